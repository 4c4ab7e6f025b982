import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { AppError } from '../../src/errors/app-error.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { readCompliancePeriod } from '../../src/store/compliance-period.js';
import { readDataQualityPeriod } from '../../src/store/data-quality-period.js';
import { readFollowUpPeriod } from '../../src/store/follow-up-period.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import type { QueryOptions, Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createDatabase } from './postgres-target.js';

/**
 * QC report reads (docs/design.md#qc-scale): every statement of the three reports is marked as a
 * report read, and on PostgreSQL a report read runs on connections of its own, bounded by
 * QC_STATEMENT_TIMEOUT_MS (not the hook calls' DB_STATEMENT_TIMEOUT_MS) and with JIT off.
 */
describe('QC report reads', () => {
  it('QC_STATEMENT_TIMEOUT_MS: 120 s by default, bounded, named in its error', () => {
    expect(loadConfig({}).qcStatementTimeoutMs).toBe(120_000);
    expect(loadConfig({ QC_STATEMENT_TIMEOUT_MS: '600000' }).qcStatementTimeoutMs).toBe(600_000);
    expect(() => loadConfig({ QC_STATEMENT_TIMEOUT_MS: '50' })).toThrow(/QC_STATEMENT_TIMEOUT_MS/);
  });

  it('every statement of the compliance, follow-up and data-quality reads is a report read', async () => {
    // The statements as the store sends them; no rows needed to see how they are sent.
    const seen: { text: string; options?: QueryOptions }[] = [];
    const recording: Sql = {
      query: async (text, _params, options) => {
        seen.push({ text, ...(options ? { options } : {}) });
        return [];
      },
      transaction: (fn) => fn(recording),
      close: async () => undefined,
    };
    const audit = createAuditStore(recording);
    const q = { from: '2026-11-01', to: '2026-11-30', institution: 'org-杭州市妇产科医院' };
    await readFollowUpPeriod(audit, q, '2026-12-10');
    await readDataQualityPeriod(audit, q);
    // The month's women, findings, cards, feedback, acknowledgements, observed notices, follow-up events,
    // undecided, rule errors (no sightings: no woman has a finding).
    expect(seen.length).toBe(9);
    expect(seen.filter((s) => s.options?.report !== true)).toEqual([]);
    seen.length = 0;
    await readCompliancePeriod(audit, q, '2026-12-10');
    expect(seen.length).toBe(6);
    expect(seen.every((s) => s.options?.report === true)).toBe(true);
  });

  const skip = postgresSkipReason('qc-report-reads');
  describe.skipIf(skip !== undefined)('PostgreSQL', () => {
    let server: PostgresServer;
    let sql: Sql;
    beforeAll(async () => {
      server = await startPostgres();
      sql = createPgSql(await createDatabase(server), { statementTimeoutMs: 300, acquireTimeoutMs: 200, reportTimeoutMs: 30_000 });
    }, 120_000);
    afterAll(async () => {
      await sql?.close();
      server?.stop();
    });

    it('a report read has its own statement timeout and JIT off; other statements keep theirs', async () => {
      const show = async (setting: string, options?: QueryOptions) =>
        (await sql.query<Record<string, string>>(`SHOW ${setting}`, [], options))[0]![setting];
      expect(await show('statement_timeout')).toBe('300ms');
      expect(await show('statement_timeout', { report: true })).toBe('30s');
      expect(await show('jit', { report: true })).toBe('off');
      // A statement longer than DB_STATEMENT_TIMEOUT_MS: cancelled as a hook call's, answered as a report's.
      const slow = 'SELECT pg_sleep(0.6) IS NULL AS done';
      const err = await sql.query(slow).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('store-unavailable');
      expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(/statement timeout/);
      expect(await sql.query(slow, [], { report: true })).toEqual([{ done: false }]);
    });

    it("report statements queued for a report connection wait as long as a report may run, not the hook calls' acquire bound", async () => {
      // More statements at once than the report pool has connections (a follow-up report reads with six,
      // two reports at once with twelve): the later ones wait longer than acquireTimeoutMs for a connection.
      const slow = Array.from({ length: 12 }, (_, i) =>
        sql.query<{ n: number }>('SELECT $1::int AS n FROM pg_sleep(0.5)', [i], { report: true }),
      );
      expect((await Promise.all(slow)).map((rows) => rows[0]!.n)).toEqual([...Array(12).keys()]);
    });

    it('inside a transaction a report read runs on the transaction connection', async () => {
      const inside = await sql.transaction((tx) => tx.query<{ statement_timeout: string }>('SHOW statement_timeout', [], { report: true }));
      expect(inside[0]!.statement_timeout).toBe('300ms');
    });
  });
});
