import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNoticeContent, hashNoticeContent } from '../../src/referral/notice/content.js';
import { createStore } from '../../src/store/create-store.js';
import { ALL_FINDINGS, FACTS, NOW, patient, POLICY } from '../referral/fixtures.js';
import { hookCall, notice } from '../store/audit-fixtures.js';
import { runCliChild } from './run-child.js';

/**
 * README#written-notice: `prenatal-cds notice-hash` recomputes the printed hash from the content
 * stored in the `notice` table (read back as JSON, as `psql -At -c "SELECT content FROM notice …"`
 * prints it), in a child process against a PGlite store.
 */
const root = mkdtempSync(join(tmpdir(), 'notice-hash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prenatal-cds notice-hash', { timeout: 150_000 }, () => {
  it('recomputes the stored hash from the stored content; a changed content gives another hash', async () => {
    const DATA_DIR = join(root, 'data');
    const content = buildNoticeContent({
      noticeId: 'n-hash-1',
      findings: ALL_FINDINGS.filter((f) => f.rule !== 'abnormal-result-notice'),
      facts: FACTS,
      patient: patient(),
      policy: POLICY,
      now: NOW,
      institution: POLICY.institution,
    });
    const hash = hashNoticeContent(content);
    const store = await createStore({ dataDir: DATA_DIR, databaseUrl: undefined });
    let stored: string;
    try {
      const n = notice({ id: 'n-hash-1', hash, content, patientId: 'p1', createdAt: NOW.instant });
      await store.audit.recordHookCall(
        hookCall({ patientId: 'p1', receivedAt: NOW.instant, findings: [], cards: [], ruleErrors: [], notice: n }),
      );
      const [row] = await store.sql.query<{ content: string }>(
        "SELECT COALESCE(content_jcs, content::text) AS content FROM notice WHERE id = 'n-hash-1'",
      );
      stored = row!.content;
    } finally {
      await store.close();
    }
    const file = join(root, 'content.json');
    writeFileSync(file, stored);
    const env = { DATA_DIR, LOG_LEVEL: 'silent' };
    const out = await runCliChild(['notice-hash', file], env);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${hash}\n`);
    const canonical = await runCliChild(['notice-hash', file, '--canonical'], env);
    expect(canonical.stdout.startsWith('{"encounter"') || canonical.stdout.startsWith('{"indications"')).toBe(true);

    writeFileSync(file, stored.replace('王小红', '王小虹'));
    expect((await runCliChild(['notice-hash', file], env)).stdout).not.toBe(`${hash}\n`);
    expect((await runCliChild(['notice-hash'], env)).code).toBe(2);
    writeFileSync(file, '{"a": NaN}');
    expect((await runCliChild(['notice-hash', file], env)).code).toBe(1);
  });
});
