import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCompliance } from '../../src/qc/compliance.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { readCompliancePeriod } from '../../src/store/compliance-period.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { acknowledgement, hookCall, notice } from './audit-fixtures.js';
import { createDatabase } from './postgres-target.js';

/**
 * Migration 11 (docs/design.md#pregnancy-identity) on a database written before it, on both
 * engines: `hook_call.edd` and `notice.edd` are copied out of the `Patient/<id>|<EDD>` keys, other
 * keys stay without one, the audit tables are append-only again afterwards, and the compliance
 * report then reads the old rows of a revised EDD as one pregnancy.
 */
const BEFORE = MIGRATIONS.filter((m) => m.version <= 10);
const PID = 'p-sun-hui-1986';
const CALLS = [
  { id: '7a1d6c2e-0b5f-4a8e-9c3d-1e2f3a4b5c61', at: '2026-11-02T02:00:00Z', key: `Patient/${PID}|2027-05-10` },
  { id: '7a1d6c2e-0b5f-4a8e-9c3d-1e2f3a4b5c62', at: '2026-11-20T02:00:00Z', key: `Patient/${PID}|2027-05-16` },
  { id: '7a1d6c2e-0b5f-4a8e-9c3d-1e2f3a4b5c63', at: '2026-11-21T02:00:00Z', key: 'EpisodeOfCare/eoc-li-juan-1' },
];

/** Rows as the service wrote them at schema version 10: a referral finding on each call, a notice on the first. */
async function writeOldRows(sql: Sql): Promise<void> {
  for (const [i, c] of CALLS.entries()) {
    const patient = i < 2 ? PID : 'p-li-juan-1990';
    await sql.query(
      `INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, issuer, institution_id, patient_id, pregnancy_key, status, latency_ms)
       VALUES ($1::uuid, $2, 'prenatal-diagnosis-referral', 'patient-view', $3::timestamptz, 'https://emr.hz.example.cn', 'org-hz-mch', $4, $5, 200, 12)`,
      [c.id, `hi-${i}`, c.at, patient, c.key],
    );
    await sql.query(
      `INSERT INTO finding (hook_call_id, ordinal, rule, rule_version, citation, evidence, params)
       VALUES ($1::uuid, 0, 'ama', '1.0.0', 'ZJ-2023 Art.24(5)', '["Patient/${patient}"]'::jsonb, '{"ageYears": 40}'::jsonb)`,
      [c.id],
    );
  }
  await sql.query(
    `INSERT INTO notice (id, created_at, hash, patient_id, pregnancy_key, institution_id, hook_call_id, rules, content)
     VALUES ('n-sun-hui-1', $1::timestamptz, $2, $3, $4, 'org-hz-mch', $5::uuid, ARRAY['ama'], '{"schemaVersion": 2}'::jsonb)`,
    [CALLS[0]!.at, 'cd'.repeat(32), PID, CALLS[0]!.key, CALLS[0]!.id],
  );
}

function migrationSuite(engine: string, open: () => Promise<Sql>): void {
  it(`${engine}: rows written before migration 11 get their EDD and are read as one pregnancy`, async () => {
    const sql = await open();
    try {
      await migrate(sql, BEFORE);
      await writeOldRows(sql);
      const report = await migrate(sql);
      expect(report.applied).toContain(11);

      const calls = await sql.query<{ pregnancy_key: string; edd: string | null }>(
        'SELECT pregnancy_key, edd::text AS edd FROM hook_call ORDER BY received_at',
      );
      expect(calls).toEqual([
        { pregnancy_key: CALLS[0]!.key, edd: '2027-05-10' },
        { pregnancy_key: CALLS[1]!.key, edd: '2027-05-16' },
        { pregnancy_key: 'EpisodeOfCare/eoc-li-juan-1', edd: null },
      ]);
      expect(await sql.query('SELECT edd::text AS edd FROM notice')).toEqual([{ edd: '2027-05-10' }]);

      // append-only again: the triggers were re-enabled
      const refused = async (statement: string) =>
        sql.query(statement).then(
          () => 'changed',
          (e: unknown) => `${String(e)} ${String((e as { cause?: unknown }).cause ?? '')}`,
        );
      expect(await refused("UPDATE hook_call SET edd = '2027-01-01'")).toMatch(/append-only/);
      expect(await refused("UPDATE notice SET edd = '2027-01-01'")).toMatch(/append-only/);

      const audit = createAuditStore(sql);
      const input = await readCompliancePeriod(audit, { from: '2026-11-01', to: '2026-11-30' }, '2026-12-10');
      const r = computeCompliance(input, {
        from: '2026-11-01',
        to: '2026-11-30',
        groupBy: 'institution',
        timeZone: 'Asia/Shanghai',
        deadlineDays: 7,
        today: '2026-12-10',
        referralRules: ['ama'],
      });
      expect(r.cases.map((c) => [c.pregnancy, c.edd, c.status])).toEqual([
        [CALLS[0]!.key, '2027-05-16', 'missing'],
        ['EpisodeOfCare/eoc-li-juan-1', null, 'missing'],
      ]);
    } finally {
      await sql.close();
    }
  }, 120_000);

  it(`${engine}: a call's EDD is stored with the call and its notice and read back with every row; sightings span institutions`, async () => {
    const sql = await open();
    try {
      await migrate(sql);
      const audit = createAuditStore(sql);
      const n = notice({
        patientId: 'p-tang-wei',
        pregnancyKey: 'EpisodeOfCare/eoc-tang-1',
        edd: '2027-04-30',
        institutionId: 'org-a',
        createdAt: '2026-10-09T02:00:00.000Z',
      });
      const episodeCall = { patientId: 'p-tang-wei', pregnancyKey: 'EpisodeOfCare/eoc-tang-1', edd: '2027-04-30' };
      await audit.recordHookCall(hookCall({ ...episodeCall, institutionId: 'org-a', receivedAt: '2026-10-09T02:00:00.000Z', notice: n }));
      await audit.recordHookCall(
        hookCall({ ...episodeCall, institutionId: 'org-b', receivedAt: '2026-10-20T02:00:00.000Z', edd: '2027-05-03' }),
      );
      await audit.appendAcknowledgement(acknowledgement(n.id, { signedAt: '2026-10-09T03:00:00.000Z' }));
      const q = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
      expect(new Set((await audit.listFindings({ ...q, institutionId: 'org-a' })).map((f) => f.edd))).toEqual(new Set(['2027-04-30']));
      expect((await audit.listNotices(q)).map((x) => x.edd)).toEqual(['2027-04-30']);
      expect((await audit.listAcknowledgements(q)).map((a) => a.edd)).toEqual(['2027-04-30']);
      expect(await audit.get(n.id)).toMatchObject({ edd: '2027-04-30' });
      // Each with its call's EHR (docs/design.md#patient-scope).
      const ehr = { issuer: 'https://ehr.example/', tenant: 't1' };
      expect(await audit.listPregnancySightings({ ...q, patientIds: ['p-tang-wei', 'p-nobody'] })).toEqual([
        { ...episodeCall, ...ehr, receivedAt: '2026-10-09T02:00:00.000Z' },
        { ...episodeCall, ...ehr, edd: '2027-05-03', receivedAt: '2026-10-20T02:00:00.000Z' },
      ]);
    } finally {
      await sql.close();
    }
  }, 120_000);
}

describe('migration 11: pregnancy identity', () => {
  migrationSuite('PGlite', () => createPgliteSql('memory://'));

  const skip = postgresSkipReason('test/store/pregnancy-identity-migration');
  describe.skipIf(Boolean(skip))(`PostgreSQL server${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    }, 90_000);
    afterAll(() => server?.stop());
    migrationSuite('PostgreSQL server', async () => createPgSql(await createDatabase(server!)));
  });
});
