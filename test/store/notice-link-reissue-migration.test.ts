import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createAuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { Sql } from '../../src/store/sql.js';
import { onEachEngine } from './each-engine.js';

/**
 * Migration 22 (`notice_link.reissue`, docs/design.md#notified) on both engines. Links written before
 * it carry no flag; the QC read tells them apart by what they are:
 * - a later call's link to a notice with a random id (no substance hash) can only be a re-link of it
 *   (the EHR held its Communication): observed;
 * - a later call's link to a derived-id notice (migration 15) is a re-link when that call's card
 *   offered no notice Communication (a re-linking card covers every rule), and the same notice
 *   computed again when it offered one: not observed.
 * Links written after it say which they are.
 */
const ISSUER = 'https://emr.hz-women.example.cn/oauth';
const ORG = 'org-hz-women';
const P = 'p-chen-jing-1986';
const KEY = `Patient/${P}|2027-04-18`;

async function call(sql: Sql, at: string, suggestions: readonly string[]): Promise<string> {
  const id = randomUUID();
  await sql.query(
    `INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, issuer, institution_id, practitioner_id, patient_id,
       pregnancy_key, edd, status, latency_ms)
     VALUES ($1::uuid, $2, 'prenatal-diagnosis-referral', 'patient-view', $3::timestamptz, $4, $5, 'pr-li-min', $6, $7, '2027-04-18', 200, 31)`,
    [id, randomUUID(), at, ISSUER, ORG, P, KEY],
  );
  if (suggestions.length > 0) {
    const card = randomUUID();
    await sql.query(`INSERT INTO card (hook_call_id, uuid, indicator, rules) VALUES ($1::uuid, $2, $3, ARRAY['ama'])`, [
      id,
      card,
      suggestions.includes('create:Communication') ? 'warning' : 'info',
    ]);
    for (const kind of suggestions)
      await sql.query('INSERT INTO suggestion (hook_call_id, card_uuid, uuid, kind) VALUES ($1::uuid, $2, $3, $4)', [
        id,
        card,
        randomUUID(),
        kind,
      ]);
  }
  return id;
}

async function link(sql: Sql, noticeId: string, callId: string, at: string): Promise<void> {
  await sql.query(
    `INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at)
     VALUES ($1::uuid, $2, $3, $4::uuid, $5::timestamptz, $5::timestamptz + interval '30 days')`,
    [randomUUID(), randomUUID().replaceAll('-', '').repeat(2), noticeId, callId, at],
  );
}

/** A notice issued by `callId`: with a random id (`content`), or derived from its substance (`content_jcs`, migration 15). */
async function notice(sql: Sql, id: string, callId: string, at: string, derived: boolean): Promise<void> {
  await sql.query(
    `INSERT INTO notice (id, created_at, hash, substance_hash, patient_id, pregnancy_key, edd, institution_id, practitioner_id, hook_call_id,
       rules, content, content_jcs)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6, '2027-04-18', $7, 'pr-li-min', $8::uuid, ARRAY['ama'], $9::jsonb, $10)`,
    [
      id,
      at,
      'a'.repeat(64),
      derived ? 'b'.repeat(64) : null,
      P,
      KEY,
      ORG,
      callId,
      derived ? null : JSON.stringify({ noticeId: id }),
      derived ? JSON.stringify({ noticeId: id }) : null,
    ],
  );
  await link(sql, id, callId, at);
}

const BOTH = ['create:ServiceRequest', 'create:Communication'];
const REFERRAL_ONLY = ['create:ServiceRequest'];

onEachEngine('test/store/notice-link-reissue-migration', (engine, open) => {
  it(`${engine}: links written before migration 22 are observations when they re-linked, not when the same notice was computed again`, async () => {
    const sql = await open();
    try {
      await migrate(
        sql,
        MIGRATIONS.filter((m) => m.version < 22),
      );
      // A random-id notice (before notice reuse) re-linked two days later.
      const first = await call(sql, '2026-03-02T01:00:00Z', BOTH);
      await notice(sql, 'notice-random-1', first, '2026-03-02T01:00:00Z', false);
      await link(sql, 'notice-random-1', await call(sql, '2026-03-04T01:00:00Z', REFERRAL_ONLY), '2026-03-04T01:00:00Z');
      // A derived-id notice: opened again the same day (the card offers the notice again), then re-linked.
      const issued = await call(sql, '2026-03-10T01:00:00Z', BOTH);
      await notice(sql, 'notice-derived-1', issued, '2026-03-10T01:00:00Z', true);
      await link(sql, 'notice-derived-1', await call(sql, '2026-03-10T03:00:00Z', BOTH), '2026-03-10T03:00:00Z');
      await link(sql, 'notice-derived-1', await call(sql, '2026-03-12T01:00:00Z', REFERRAL_ONLY), '2026-03-12T01:00:00Z');

      const { applied } = await migrate(sql, MIGRATIONS);
      expect(applied).toEqual(MIGRATIONS.filter((m) => m.version >= 22).map((m) => m.version));
      const [nulls] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notice_link WHERE reissue IS NULL');
      expect(nulls!.n).toBe(5);

      const audit = createAuditStore(sql);
      const march = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
      expect((await audit.listObservedNotices(march)).map((o) => [o.noticeId, o.observedAt])).toEqual([
        ['notice-random-1', '2026-03-04T01:00:00.000Z'],
        ['notice-derived-1', '2026-03-12T01:00:00.000Z'],
      ]);
      // By patient, as the summary and short periods read.
      expect(await audit.listObservedNotices({ ...march, patientIds: [P] })).toHaveLength(2);
    } finally {
      await sql.close();
    }
  });
});
