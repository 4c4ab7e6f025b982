import { describe, expect, it } from 'vitest';
import { computeCompliance } from '../../src/qc/compliance.js';
import { computeDataQuality } from '../../src/qc/data-quality.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { readCompliancePeriod } from '../../src/store/compliance-period.js';
import { readDataQualityPeriod } from '../../src/store/data-quality-period.js';
import { readFollowUpPeriod } from '../../src/store/follow-up-period.js';
import { migrate } from '../../src/store/migrate.js';
import { migration0022 } from '../../src/store/migrations/0022-notice-link-reissue.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { Sql } from '../../src/store/sql.js';
import { generateProvince } from '../bench/lib/qc-scale-data.js';
import { onEachEngine } from './each-engine.js';
import { PROVINCE_YEAR_REPORT, PROVINCE_YEAR_TODAY } from './audit-fixtures.js';

/**
 * Migrations 16 and 17 (docs/design.md#qc-scale) on both engines: a small province year generated at
 * schema 15 (test/bench/lib/qc-scale-data.ts: Art. 24 indications, notices, acknowledgements,
 * feedback, follow-up events, revised EDDs, episodes) gives the same compliance, follow-up and
 * data-quality reports after each migration as before them, for the province and for one institution;
 * the covering indexes replace the ones of migrations 1 and 12, and 17's (with the EHR) those of 16.
 */
const BEFORE = MIGRATIONS.filter((m) => m.version < 16);
const TODAY = PROVINCE_YEAR_TODAY;
const OPTS = PROVINCE_YEAR_REPORT;

/** The versions migrating to `version` applied. */
async function appliedUpTo(sql: Sql, version: number): Promise<readonly number[]> {
  return (
    await migrate(
      sql,
      MIGRATIONS.filter((m) => m.version <= version),
    )
  ).applied;
}

async function reports(sql: Sql) {
  const audit = createAuditStore(sql);
  const out = [];
  for (const q of [
    { from: '2026-01-01', to: '2026-12-31' },
    { from: '2026-11-01', to: '2026-11-30', institution: 'org-1' },
  ]) {
    const period = { ...OPTS, from: q.from, to: q.to };
    out.push(computeCompliance(await readCompliancePeriod(audit, q, TODAY), { ...period, groupBy: 'institution' }));
    out.push(computeFollowUp(await readFollowUpPeriod(audit, q, TODAY), { ...period, groupBy: 'institution' }));
    out.push(computeDataQuality(await readDataQualityPeriod(audit, q), { ...q, groupBy: 'institution', timeZone: OPTS.timeZone }));
  }
  return out;
}

async function indexes(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql.query<{ indexname: string; indexdef: string }>(
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('hook_call', 'notice_link') ORDER BY indexname",
  );
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
}

function migrationSuite(engine: string, open: () => Promise<Sql>): void {
  it(`${engine}: the QC reports of a generated province are the same after migrations 16 and 17, read through their indexes`, async () => {
    const sql = await open();
    try {
      await migrate(sql, BEFORE);
      // Today's reads need migration 22's column (links that re-issued a notice); it changes no index.
      await sql.query(migration0022.statements[0]!);
      await generateProvince(sql, { calls: 2000, institutions: 6, year: 2026, indicatedRate: 0.3, noticeBytes: 200 }, () => undefined);
      const before = await reports(sql);
      const compliance = before[0] as ReturnType<typeof computeCompliance>;
      // The generated year holds what the reports count: indicated cases, notified ones, follow-up, data quality.
      expect(compliance.total.indicated).toBeGreaterThan(20);
      expect(compliance.total.notified).toBeGreaterThan(10);
      expect((before[1] as ReturnType<typeof computeFollowUp>).total.procedure).toBeGreaterThan(0);
      expect((before[2] as ReturnType<typeof computeDataQuality>).total.undecided).toBeGreaterThan(0);

      expect(await appliedUpTo(sql, 16)).toEqual([16]);
      expect(await reports(sql)).toEqual(before);
      const defs = await indexes(sql);
      expect(defs.hook_call_patient_sightings).toMatch(/\(patient_id, received_at\) INCLUDE \(pregnancy_key, edd\)/);
      expect(defs.hook_call_institution_calls).toMatch(
        /\(institution_id, received_at\) INCLUDE \(id, service_id, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, findings_from\)/,
      );
      expect(defs.notice_link_issued_at).toMatch(/\(issued_at\)/);
      expect(defs).not.toHaveProperty('hook_call_patient_received_at');
      expect(defs).not.toHaveProperty('hook_call_institution');

      // Migration 17: the same indexes with the EHR (issuer, tenant) in their INCLUDE; same reports.
      expect(await appliedUpTo(sql, 17)).toEqual([17]);
      expect(await reports(sql)).toEqual(before);
      const ehr = await indexes(sql);
      expect(ehr.hook_call_patient_sightings_ehr).toMatch(/\(patient_id, received_at\) INCLUDE \(pregnancy_key, edd, issuer, tenant\)/);
      expect(ehr.hook_call_institution_calls_ehr).toMatch(
        /\(institution_id, received_at\) INCLUDE \(id, service_id, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, findings_from, issuer, tenant\)/,
      );
      expect(ehr).not.toHaveProperty('hook_call_patient_sightings');
      expect(ehr).not.toHaveProperty('hook_call_institution_calls');
    } finally {
      await sql.close();
    }
  }, 120_000);
}

describe('migrations 16 and 17 (QC indexes)', () => onEachEngine('qc-indexes-migration', migrationSuite));
