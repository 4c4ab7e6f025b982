import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore, type AuditStore } from '../../src/store/audit-store.js';
import { issuedCards } from '../../src/store/issued-cards.js';
import { migrate } from '../../src/store/migrate.js';
import { listPregnancySightings } from '../../src/store/pregnancy-sightings.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import { generateProvince } from '../bench/lib/qc-scale-data.js';
import { PROVINCE_YEAR_REPORT } from './audit-fixtures.js';

/**
 * The embedded store has no planner statistics: PGlite runs no autovacuum, so nothing ever analyzes
 * its tables (docs/design.md#planner-statistics). Statements that run per hook call, or per batch of
 * the summary's fold, must go by their indexes all the same; as written before, the feedback check
 * scanned every hook call and the fold's reads and deletes whole tables. Each statement is run as the
 * store runs it, through a Sql that first asks for its plan.
 */

/** A Sql that records the plan (`EXPLAIN`) of each SELECT, DELETE or WITH before running it. */
function planning(inner: Sql, plans: string[]): Sql {
  const wrap = (sql: Sql): Sql => ({
    ...sql,
    async query(text, params, options) {
      if (/^\s*(SELECT|DELETE|WITH)\b/i.test(text)) {
        const rows = await sql.query<Record<string, string>>(`EXPLAIN ${text}`, params);
        plans.push(`${text}\n${rows.map((r) => Object.values(r)[0]).join('\n')}`);
      }
      return sql.query(text, params, options);
    },
    transaction: (fn) => sql.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(inner);
}

describe('the embedded store without planner statistics (docs/design.md#planner-statistics)', () => {
  let sql: Sql;
  let audit: AuditStore;
  beforeAll(async () => {
    sql = await createPgliteSql(MEMORY_DATA_DIR);
    await migrate(sql);
    await generateProvince(
      sql,
      { calls: 6000, institutions: 3, year: 2026, indicatedRate: 0.3, noticeBytes: 200, statistics: false },
      () => undefined,
    );
    audit = createAuditStore(sql);
  }, 180_000);
  afterAll(() => sql?.close());

  it('has none: no table of the audit was ever analyzed', async () => {
    const rows = await sql.query<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples FROM pg_class WHERE relname IN ('hook_call', 'card', 'qc_case_facts') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'card', reltuples: -1 },
      { relname: 'hook_call', reltuples: -1 },
      { relname: 'qc_case_facts', reltuples: -1 },
    ]);
    const [calls] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM hook_call');
    expect(calls!.n).toBeGreaterThan(5000);
  });

  it("the feedback check finds the cards by their uuid, then each one's call by its key, and answers as before", async () => {
    const [card] = await sql.query<{ uuid: string; service_id: string; issuer: string; tenant: string | null }>(
      'SELECT c.uuid, h.service_id, h.issuer, h.tenant FROM card c JOIN hook_call h ON h.id = c.hook_call_id ORDER BY h.received_at DESC LIMIT 1',
    );
    const q = {
      uuids: [card!.uuid, 'not-a-card'],
      serviceId: card!.service_id,
      issuer: card!.issuer,
      ...(card!.tenant ? { tenant: card!.tenant } : {}),
    };
    const plans: string[] = [];
    expect([...(await issuedCards(planning(sql, plans), q))]).toEqual([card!.uuid]);
    expect([...(await issuedCards(sql, { ...q, issuer: 'another-ehr' }))]).toEqual([]);
    expect([...(await issuedCards(sql, { ...q, serviceId: 'nipt-order-check' }))]).toEqual(
      card!.service_id === 'nipt-order-check' ? [card!.uuid] : [],
    );
    const plan = plans.join('\n');
    expect(plan).toMatch(/Index Scan on card_uuid|Index Scan using card_uuid/);
    expect(plan).toMatch(/Index Scan using hook_call_pkey on hook_call/);
    expect(plan).not.toMatch(/Seq Scan on (hook_call|card)\b/);
  });

  it("a woman's sightings are read by her index, not by a scan of every call's time", async () => {
    const [woman] = await sql.query<{ patient_id: string }>('SELECT patient_id FROM hook_call ORDER BY received_at DESC LIMIT 1');
    const plans: string[] = [];
    const rows = await listPregnancySightings(planning(sql, plans), {
      patientIds: [woman!.patient_id],
      from: '0001-01-01T00:00:00Z',
      to: '9999-12-31T00:00:00Z',
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.patientId === woman!.patient_id)).toBe(true);
    const plan = plans.join('\n');
    expect(plan).toContain('hook_call_patient_sightings_ehr');
    expect(plan).not.toMatch(/Seq Scan on hook_call\b|on hook_call_received_at/);
  });

  it("the summary's fold deletes a woman's facts by their patient index, and reads her cards and notice links by their keys", async () => {
    await audit.refreshSummary(PROVINCE_YEAR_REPORT, { maxWomen: 200, batch: 200 });
    await sql.query(`INSERT INTO qc_summary_dirty (patient_id, version) SELECT DISTINCT patient_id, 1 FROM qc_case_facts LIMIT 3
      ON CONFLICT (patient_id) DO UPDATE SET version = qc_summary_dirty.version + 1`);
    const plans: string[] = [];
    const refolded = await createAuditStore(planning(sql, plans)).refreshSummary(PROVINCE_YEAR_REPORT, { maxWomen: 3, batch: 3 });
    expect(refolded).toBe(3);
    const deletes = plans.filter((p) => p.startsWith('DELETE FROM qc_'));
    expect(deletes).toHaveLength(2);
    expect(deletes[0]).toContain('qc_case_facts_patient');
    expect(deletes[1]).toContain('qc_follow_up_facts_patient');
    for (const d of deletes) expect(d).not.toMatch(/Seq Scan on qc_/);
    // Her calls by the patient index, then each one's cards (and their suggestions) by the card key.
    const cards = plans.find((p) => p.includes('c.uuid, c.indicator, c.rules'));
    expect(cards).toContain('card_pkey');
    expect(cards).not.toMatch(/Seq Scan on (card|hook_call)\b/);
    // Her notices by the patient index, then each one's links by the notice index.
    const links = plans.find((p) => p.includes('SELECT l.notice_id, l.issued_at'));
    expect(links).toContain('notice_patient');
    expect(links).toContain('notice_link_notice');
    expect(links).not.toMatch(/Seq Scan on notice(_link)?\b|notice_link_issued_at/);
  });
});
