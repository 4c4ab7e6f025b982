/**
 * The PGlite template (src/store/pglite-template.ts): a new data directory opened from it is the
 * same migrated, working database as one made by `initdb` + migrations; an existing database is
 * never overwritten; a template from other code (PGlite version or migrations) has another key.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import { buildTemplate, pgliteVersion, readTemplate, templateFile, templateKey } from '../../src/store/pglite-template.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { hookCall, notice } from './audit-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pglite-template-'));
const file = templateFile(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PGlite template', () => {
  beforeAll(async () => {
    const built = await buildTemplate(file);
    expect(built.bytes).toBeGreaterThan(100_000);
  }, 120_000);

  it('is written under dist/pglite-template/ with a key of the PGlite version and the migrations', () => {
    expect(file).toBe(join(dir, 'dist', 'pglite-template', `${templateKey()}.tar.gz`));
    expect(existsSync(file)).toBe(true);
    expect(pgliteVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(templateKey()).toMatch(/^[0-9a-f]{16}$/);
    const changed = MIGRATIONS.map((m, i) => (i === MIGRATIONS.length - 1 ? { ...m, statements: [...m.statements, 'SELECT 1'] } : m));
    expect(templateKey(changed)).not.toBe(templateKey());
    expect(templateKey(MIGRATIONS.slice(0, -1))).not.toBe(templateKey());
    expect(readTemplate(join(dir, 'absent.tar.gz'))).toBeUndefined();
  });

  it('a new data directory opened from it is migrated and stores records that survive a reopen', async () => {
    const dataDir = join(dir, 'data-a');
    const sql = await createPgliteSql(dataDir, () => readTemplate(file));
    const report = await migrate(sql);
    expect(report.applied).toEqual([]); // the template carries every migration
    expect(report.version).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const { id } = await createAuditStore(sql).recordHookCall(hookCall({ notice: notice() }));
    await sql.close();
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

    let reads = 0;
    const again = await createPgliteSql(dataDir, () => {
      reads += 1;
      return readTemplate(file);
    });
    expect(reads).toBe(0); // existing database: the template is not even read
    expect((await migrate(again)).applied).toEqual([]);
    const rows = await again.query<{ id: string }>('SELECT id::text AS id FROM hook_call');
    expect(rows.map((r) => r.id)).toEqual([id]);
    await again.close();
  }, 60_000);

  it('in memory too', async () => {
    const sql = await createPgliteSql('memory://', () => readTemplate(file));
    expect((await migrate(sql)).applied).toEqual([]);
    await sql.close();
  }, 60_000);
});
