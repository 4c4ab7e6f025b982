import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { addDays } from '../../src/calendar/index.js';
import { resolvePregnancies, type PregnancySighting } from '../../src/qc/pregnancy-identity.js';
import { migrate } from '../../src/store/migrate.js';
import { listPregnancySightings } from '../../src/store/pregnancy-sightings.js';
import { json } from '../../src/store/row-values.js';
import type { Sql } from '../../src/store/sql.js';
import { onEachEngine } from './each-engine.js';
import { mulberry32 } from '../support/prng.js';

/**
 * The sightings QC resolves pregnancies from (src/store/pregnancy-sightings.ts) are every call of
 * the woman with runs of identical calls cut to their first and last: the resolver gives the same
 * pregnancies from them as from every call. Checked on both engines over seeded random histories
 * that look like an EHR's worst: a chart opened many times a day for weeks, EDDs revised and
 * revised back, an episode appearing and disappearing, calls in the same millisecond with other
 * keys, one patient id in two EHRs.
 */
const ZONE = 'Asia/Shanghai';
const TOLERANCE = 14;

interface Call extends PregnancySighting {
  readonly patientId: string;
  readonly issuer: string;
  /** The call's row id (default: random). */
  readonly id?: string;
}

/** One seed's history: three women (one id in two EHRs), runs of identical calls, revisions, ties. */
function history(seed: number): Call[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const calls: Call[] = [];
  const women = [
    { patientId: `pt-林芳-${seed}`, issuer: 'https://emr.a.example.cn/', tenant: 'hz' },
    { patientId: `pt-林芳-${seed}`, issuer: 'https://emr.b.example.cn/' },
    { patientId: `pt-周敏-${seed}`, issuer: 'https://emr.a.example.cn/', tenant: 'hz' },
  ];
  for (const w of women) {
    const e1 = pick(['2027-03-01', '2027-03-04', '2027-06-20']);
    const shapes = [
      { pregnancyKey: `Patient/${w.patientId}|${e1}`, edd: e1 },
      { pregnancyKey: `Patient/${w.patientId}|${addDays(e1, 5)}`, edd: addDays(e1, 5) },
      { pregnancyKey: `Patient/${w.patientId}|${addDays(e1, 40)}`, edd: addDays(e1, 40) },
      { pregnancyKey: 'EpisodeOfCare/eoc-1', edd: e1 },
      { pregnancyKey: 'EpisodeOfCare/eoc-1' },
      { pregnancyKey: 'EpisodeOfCare/eoc-2', edd: addDays(e1, 300) },
      { edd: addDays(e1, 3) },
      { pregnancyKey: `Patient/${w.patientId}|${addDays(e1, 320)}` },
    ];
    let shape = shapes[0]!;
    let at = Date.parse('2026-08-01T00:30:00Z') + Math.floor(r() * 86_400_000);
    for (let i = 0; i < 160; i++) {
      // Mostly the same again (the chart reopened); sometimes another shape, a tie in the same millisecond, a day or more later.
      if (r() < 0.15) shape = pick(shapes);
      const tie = r() < 0.12 && i > 0;
      if (!tie) at += r() < 0.3 ? Math.floor(r() * 3 * 86_400_000) : Math.floor(r() * 3_600_000);
      calls.push({ ...w, ...(tie ? pick(shapes) : shape), receivedAt: new Date(at).toISOString() });
    }
  }
  return calls;
}

async function insert(sql: Sql, calls: readonly Call[]): Promise<void> {
  await sql.query(
    `INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, issuer, tenant, institution_id, patient_id, pregnancy_key, edd,
       status, latency_ms)
     SELECT COALESCE(x.id, gen_random_uuid()), x.hook_instance, 'prenatal-diagnosis-referral', 'patient-view', x.received_at, x.issuer, x.tenant, 'org-1',
       x.patient_id, x.pregnancy_key, x.edd, 200, 20
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, hook_instance text, received_at timestamptz, issuer text, tenant text, patient_id text,
       pregnancy_key text, edd date)`,
    [
      json(
        calls.map((c) => ({
          id: c.id ?? null,
          hook_instance: randomUUID(),
          received_at: c.receivedAt,
          issuer: c.issuer,
          tenant: c.tenant ?? null,
          patient_id: c.patientId,
          pregnancy_key: c.pregnancyKey ?? null,
          edd: c.edd ?? null,
        })),
      ),
    ],
  );
}

onEachEngine('test/store/pregnancy-sightings', (engine, open) => {
  it(`${engine}: the first and last call of each run resolve the same pregnancies as every call (20 random histories)`, async () => {
    const sql = await open();
    try {
      await migrate(sql);
      let calls = 0;
      let sightings = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const all = history(seed);
        await insert(sql, all);
        const read = await listPregnancySightings(sql, {
          patientIds: [`pt-林芳-${seed}`, `pt-周敏-${seed}`, 'pt-nobody'],
          from: '2026-01-01T00:00:00Z',
          to: '2028-01-01T00:00:00Z',
        });
        calls += all.length;
        sightings += read.length;
        const opts = { toleranceDays: TOLERANCE, timeZone: ZONE };
        const every = resolvePregnancies(all, opts);
        const cut = resolvePregnancies(read, opts);
        expect(cut.all(), `seed ${seed}`).toEqual(every.all());
        for (const c of all) expect(cut.of(c), `seed ${seed} ${JSON.stringify(c)}`).toBe(every.of(c));
        for (const w of [
          { patientId: `pt-林芳-${seed}`, issuer: 'https://emr.b.example.cn/' },
          { patientId: `pt-周敏-${seed}`, issuer: 'https://emr.a.example.cn/', tenant: 'hz' },
        ])
          for (let d = 0; d < 400; d += 7) expect(cut.on(w, addDays('2026-06-01', d))?.id).toBe(every.on(w, addDays('2026-06-01', d))?.id);
      }
      // The histories are long runs: far fewer sightings than calls.
      expect(sightings).toBeLessThan(calls / 2);
    } finally {
      await sql.close();
    }
  }, 120_000);

  it(`${engine}: a chart opened three times a day for a month with one EDD is two sightings; a revision and its reversal are their own runs`, async () => {
    const sql = await open();
    try {
      await migrate(sql);
      const w = { patientId: 'pt-吴静', issuer: 'https://emr.a.example.cn/', tenant: 'hz' };
      const key = (edd: string) => ({ pregnancyKey: `Patient/pt-吴静|${edd}`, edd });
      const daily: Call[] = [];
      for (let d = 0; d < 30; d++)
        for (const h of ['01', '05', '08'])
          daily.push({ ...w, ...key('2027-04-02'), receivedAt: `${addDays('2026-09-01', d)}T${h}:10:00.000Z` });
      await insert(sql, [
        ...daily,
        { ...w, ...key('2027-04-06'), receivedAt: '2026-10-02T01:00:00.000Z' },
        { ...w, ...key('2027-04-06'), receivedAt: '2026-10-03T01:00:00.000Z' },
        { ...w, ...key('2027-04-02'), receivedAt: '2026-10-04T01:00:00.000Z' },
      ]);
      const read = await listPregnancySightings(sql, { patientIds: ['pt-吴静'], from: '2026-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' });
      expect(read.map((s) => [s.edd, s.receivedAt])).toEqual([
        ['2027-04-02', '2026-09-01T01:10:00.000Z'],
        ['2027-04-02', '2026-09-30T08:10:00.000Z'],
        ['2027-04-06', '2026-10-02T01:00:00.000Z'],
        ['2027-04-06', '2026-10-03T01:00:00.000Z'],
        ['2027-04-02', '2026-10-04T01:00:00.000Z'],
      ]);
      expect(read[0]).toEqual({ ...w, ...key('2027-04-02'), receivedAt: '2026-09-01T01:10:00.000Z' });
    } finally {
      await sql.close();
    }
  }, 60_000);

  it(`${engine}: where the last call of a run or the order within a millisecond decides, the sightings decide as every call does`, async () => {
    const sql = await open();
    try {
      await migrate(sql);
      const w = { patientId: 'pt-郑洁', issuer: 'https://emr.a.example.cn/', tenant: 'hz' };
      const key = (edd: string) => ({ pregnancyKey: `Patient/pt-郑洁|${edd}`, edd });
      const calls: Call[] = [];
      // An episode seen without an EDD for a month; then an EDD whose LMP − 14 d falls inside that month:
      // it continues the episode's pregnancy only because she was still seen after that day (its last call).
      for (let d = 0; d < 30; d++)
        calls.push({ ...w, pregnancyKey: 'EpisodeOfCare/eoc-郑-1', receivedAt: `${addDays('2026-03-01', d)}T02:00:00.000Z` });
      calls.push({ ...w, edd: addDays('2026-03-16', 294), receivedAt: '2026-04-20T02:00:00.000Z' });
      // Two keys in one millisecond, the row ids against the resolver's order (by key); then a call of the
      // first key again, and an episode with a far EDD in one millisecond with it: whether that episode
      // continues her pregnancy depends on which EDD is latest when it comes (2027-02-10 or 2027-02-20).
      const t0 = '2026-05-02T03:00:00.000Z';
      const t2 = '2026-05-04T03:00:00.000Z';
      calls.push({ ...w, ...key('2027-02-20'), receivedAt: t0, id: '00000000-0000-4000-8000-000000000001' });
      calls.push({ ...w, ...key('2027-02-10'), receivedAt: t0, id: '00000000-0000-4000-8000-000000000002' });
      calls.push({ ...w, ...key('2027-02-10'), receivedAt: '2026-05-03T03:00:00.000Z' });
      calls.push({ ...w, ...key('2027-02-10'), receivedAt: t2, id: '00000000-0000-4000-8000-000000000003' });
      calls.push({
        ...w,
        pregnancyKey: 'EpisodeOfCare/eoc-郑-2',
        edd: '2027-02-26',
        receivedAt: t2,
        id: '00000000-0000-4000-8000-000000000004',
      });
      await insert(sql, calls);
      const read = await listPregnancySightings(sql, { patientIds: ['pt-郑洁'], from: '2026-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' });
      const opts = { toleranceDays: TOLERANCE, timeZone: ZONE };
      const every = resolvePregnancies(calls, opts);
      const cut = resolvePregnancies(read, opts);
      expect(cut.all()).toEqual(every.all());
      // What the history is: the episode's pregnancy took the EDD; the far-EDD episode is a pregnancy of its own.
      expect(every.all().map((p) => [p.id.split('\n')[0], p.edd ?? null])).toEqual([
        ['EpisodeOfCare/eoc-郑-1', addDays('2026-03-16', 294)],
        ['Patient/pt-郑洁|2027-02-10', '2027-02-10'],
        ['EpisodeOfCare/eoc-郑-2', '2027-02-26'],
      ]);
      expect(read.length).toBeLessThan(calls.length);
    } finally {
      await sql.close();
    }
  }, 60_000);
});
