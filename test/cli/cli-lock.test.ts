import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { startServerProcess, type ServerProcess } from '../faults/support/server-process.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from '../store/postgres-target.js';
import { runCliChild } from './run-child.js';

/**
 * The CLI beside a running server (docs/design.md#data-dir-lock): on the embedded store the CLI
 * and a second server are refused while the server holds DATA_DIR, and work once it has stopped;
 * against PostgreSQL (DATABASE_URL) `registry import` writes while the server runs, and the server
 * serves what it wrote.
 */
const root = mkdtempSync(join(tmpdir(), 'cli-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const QC_TOKEN = 'province-qc-token-0123456789';
const CSV = join(root, 'certs.csv');
beforeAll(() => {
  writeFileSync(
    CSV,
    [
      'kind,practitioner_id,practitioner_name,organization_id,technique,certificate_number,valid_from,valid_to,last_training,licence_number',
      'certificate,dr-li,李娜,org-hz-1,prenatal-diagnosis,ZJ-PD-2021-0042,2021-01-01,2025-01-01,2024-06-10,',
      'licence,,,org-hz-1,prenatal-diagnosis;prenatal-screening,,2021-01-01,2030-01-01,,ZJ-LIC-0007',
    ].join('\n'),
  );
});

describe('one writer per DATA_DIR: the CLI and a second server beside a running server', { timeout: 180_000 }, () => {
  const dataDir = join(root, 'data');
  const env = { DATA_DIR: dataDir, CLINIC_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'silent' };
  let server: ServerProcess | undefined;
  afterAll(async () => server?.stop());

  it('refused while the server runs (which process, since when, what to do); after SIGTERM the import works', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const pid = server.proc.pid;

    const refused = await runCliChild(['registry', 'import', CSV], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^registry: /);
    expect(refused.stderr).toContain(`${dataDir} is in use by process ${pid} (`);
    expect(refused.stderr).toContain('src/main.ts) on host ');
    expect(refused.stderr).toMatch(/ since \d{4}-\d\d-\d\dT/);
    expect(refused.stderr).toContain("stop the server, or run the command against the server's database with DATABASE_URL");
    expect((await runCliChild(['compliance', '--from', '2026-11-01', '--to', '2026-11-30'], env)).stderr).toContain(
      `is in use by process ${pid} (`,
    );

    await expect(startServerProcess({ DATA_DIR: dataDir })).rejects.toThrow(
      new RegExp(`exited early \\(1\\): [^]* is in use by process ${pid} \\(`),
    );

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    const imported = await runCliChild(['registry', 'import', CSV], env);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^accepted 2 row\(s\)/);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});

const skipReason = postgresSkipReason('test/cli/cli-lock');

describe.skipIf(Boolean(skipReason))(
  `registry import against the server's PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let pg: PostgresServer | undefined;
    let server: ServerProcess | undefined;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      pg?.stop();
    });

    it('with DATABASE_URL the CLI imports while the server runs, and the server serves the import at once', async () => {
      const databaseUrl = await createDatabase(pg!);
      server = await startServerProcess({ DATABASE_URL: databaseUrl, QC_TOKENS: JSON.stringify({ [QC_TOKEN]: { role: 'province' } }) });
      const imported = await runCliChild(['registry', 'import', CSV], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/^accepted 2 row\(s\): \d+ inserted, 0 updated/);

      const res = await fetch(`${server.origin}/qc/registry`, { headers: { authorization: `Bearer ${QC_TOKEN}` } });
      expect(res.status).toBe(200);
      const items = ((await res.json()) as { items: { bucket: string; number: string; holder: string }[] }).items;
      expect(items).toContainEqual(expect.objectContaining({ bucket: 'expired', number: 'ZJ-PD-2021-0042', holder: 'Practitioner/dr-li' }));
    }, 180_000);
  },
);
