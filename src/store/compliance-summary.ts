import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PregnancyFacts } from '../qc/compliance.js';
import type { CallFacts } from '../qc/compliance-types.js';
import { settingsKey, summaryFacts, type SummarySettings, type WomenRows } from '../qc/compliance-summary.js';
import type { FollowUpPregnancyFacts } from '../qc/follow-up.js';
import { listAcknowledgements, listCardFeedback, listCards, listDistinctFindings, REPORT } from './audit-queries.js';
import { listDistinctFollowUpEvents } from './follow-up-events.js';
import { listObservedNotices, observedCommunication } from './observed-notices.js';
import { listPregnancySightings } from './pregnancy-sightings.js';
import { compact, json } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * The per-pregnancy summary of notification compliance and the follow-up funnel in the store
 * (docs/design.md#qc-summary): women marked dirty by the triggers of migration 18 are folded in —
 * their rows of every date read (all that can change their facts), their facts recomputed with the
 * reports' own code (src/qc/compliance-summary.ts) and replaced — and a report reads the facts of
 * its scope and period.
 */
export interface ComplianceSummaryStore {
  /** Whether the stored facts were computed with these settings, and how many women wait to be folded in. */
  summaryStatus(settings: SummarySettings): Promise<SummaryStatus>;
  /**
   * Folds in dirty women, `batch` per transaction, until none is left or `maxWomen` were; returns
   * how many. Each transaction holds the summary's advisory lock (one writer across processes and
   * replicas); `wait: false` returns at once when another holds it. Other settings than the stored
   * ones first drop every fact and mark every woman dirty again, a chunk of women per transaction
   * (not counted in `maxWomen`: the facts are folded in only once every woman is marked).
   */
  refreshSummary(settings: SummarySettings, opts?: RefreshOptions): Promise<number>;
  /** The stored facts of the scope's pregnancies whose first referral finding was received in [from, to). */
  listPregnancyFacts(q: { scope: string; from: string; to: string }): Promise<PregnancyFacts[]>;
  /**
   * The stored funnel facts of the scope's pregnancies whose first referral finding was received in
   * [from, to) or whose NIPT result is dated on a day of [niptFrom, niptTo].
   */
  listFollowUpFacts(q: { scope: string; from: string; to: string; niptFrom: string; niptTo: string }): Promise<FollowUpPregnancyFacts[]>;
}

export interface SummaryStatus {
  readonly current: boolean;
  readonly backlog: number;
}

export interface RefreshOptions {
  readonly maxWomen?: number;
  readonly batch?: number;
  readonly wait?: boolean;
  /** Told of each transaction that did work, once it ended: how long it held the store (docs/design.md#qc-summary). */
  readonly onTransaction?: (t: SummaryTransaction) => void;
}

/** One transaction of a refresh: `fold` folded `women` in, `mark` marked a chunk of a rebuild. */
export interface SummaryTransaction {
  readonly kind: 'fold' | 'mark';
  /** Women folded in (`fold`); 0 for `mark`. */
  readonly women: number;
  readonly ms: number;
}

/** Women folded in per transaction: their reads, facts and replacement stay well inside a statement bound. */
export const SUMMARY_BATCH = 200;
/** …on the embedded store, whose statements run on the event loop the hook calls need. */
export const PGLITE_SUMMARY_BATCH = 50;

/** The key of the summary's advisory lock (`pg_advisory_xact_lock`): any fixed int8, the same in every process. */
const SUMMARY_LOCK = '7240518024';

/** A woman's rows of every date. */
const ALL_TIME = { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' } as const;

/** `markChunk`: women marked per transaction when every woman is marked again (MARK_CHUNK). */
export function sqlComplianceSummary(sql: Sql, opts: { markChunk?: number } = {}): ComplianceSummaryStore {
  const markChunk = opts.markChunk ?? MARK_CHUNK;
  return {
    async summaryStatus(settings) {
      const [state] = await sql.query<{ settings: string }>('SELECT settings FROM qc_summary_state WHERE id = 1', [], REPORT);
      const [dirty] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM qc_summary_dirty', [], REPORT);
      return { current: state?.settings === settingsKey(settings), backlog: dirty?.n ?? 0 };
    },
    async refreshSummary(settings, refresh = {}) {
      const batch = refresh.batch ?? SUMMARY_BATCH;
      const max = refresh.maxWomen ?? Number.POSITIVE_INFINITY;
      let done = 0;
      while (done < max) {
        const want = Math.min(batch, max - done);
        const started = performance.now();
        const n = await sql.transaction((tx) => refreshBatch(tx, settings, want, { wait: refresh.wait ?? true, markChunk }));
        if (n === 'busy') break; // another process holds the lock and folds them in
        const ms = performance.now() - started;
        if (n === 'marked') refresh.onTransaction?.({ kind: 'mark', women: 0, ms });
        else {
          if (n > 0) refresh.onTransaction?.({ kind: 'fold', women: n, ms });
          done += n;
          if (n < want) break;
        }
        // A turn of the event loop between transactions. On the embedded store each batch runs on the
        // loop's thread and its promises settle as microtasks, so without a turn a round of many
        // batches held every hook call (not even read off its socket) for the whole round:
        // 412 women in 9 batches, 0.84 s without a single timer firing (docs/design.md#qc-summary).
        await nextTurn();
      }
      return done;
    },
    async listPregnancyFacts(q) {
      const rows = await sql.query<{ facts: PregnancyFacts }>(
        'SELECT facts FROM qc_case_facts WHERE scope = $1 AND first_at >= $2::timestamptz AND first_at < $3::timestamptz',
        [q.scope, q.from, q.to],
        REPORT,
      );
      return rows.map((r) => r.facts);
    },
    async listFollowUpFacts(q) {
      // Two ranges of two partial indexes (a bitmap OR), not one filter over the scope's rows.
      const rows = await sql.query<{ facts: FollowUpPregnancyFacts }>(
        `SELECT facts FROM qc_follow_up_facts WHERE scope = $1
           AND ((first_at >= $2::timestamptz AND first_at < $3::timestamptz) OR (nipt_day >= $4::date AND nipt_day <= $5::date))`,
        [q.scope, q.from, q.to, q.niptFrom, q.niptTo],
        REPORT,
      );
      return rows.map((r) => r.facts);
    },
  };
}

/**
 * One transaction of a refresh: the women it folded in; `marked` when it marked a chunk of women of a
 * rebuild instead; `busy` when the lock was taken and `wait` is false.
 */
async function refreshBatch(
  tx: Sql,
  settings: SummarySettings,
  batch: number,
  { wait, markChunk }: { wait: boolean; markChunk: number },
): Promise<number | 'marked' | 'busy'> {
  if (wait) await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SUMMARY_LOCK]);
  else {
    const [got] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [SUMMARY_LOCK]);
    if (!got?.ok) return 'busy';
  }
  if ((await keepSettings(tx, settingsKey(settings), markChunk)) === 'marked') return 'marked';
  const dirty = (
    await tx.query<{ patient_id: string; version: string }>(
      'SELECT patient_id, version::text AS version FROM qc_summary_dirty ORDER BY patient_id LIMIT $1',
      [batch],
    )
  ).map((d) => ({ patient_id: d.patient_id, version: Number(d.version) }));
  if (dirty.length === 0) return 0;
  const patientIds = dirty.map((d) => d.patient_id);
  const facts = summaryFacts(await readWomen(tx, patientIds), settings);
  const theirs = [json(patientIds)];
  // `= ANY (ARRAY(…))`, not `IN (SELECT …)`: without statistics (the embedded store has none,
  // docs/design.md#planner-statistics) the latter was planned as a hash join over the whole table.
  const ofTheirs = 'patient_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))';
  await tx.query(`DELETE FROM qc_case_facts WHERE ${ofTheirs}`, theirs);
  await tx.query(`DELETE FROM qc_follow_up_facts WHERE ${ofTheirs}`, theirs);
  if (facts.compliance.length > 0)
    await tx.query(
      `INSERT INTO qc_case_facts (scope, patient_id, pregnancy, first_at, facts)
       SELECT scope, patient_id, pregnancy, first_at, facts
       FROM jsonb_to_recordset($1::jsonb) AS r(scope text, patient_id text, pregnancy text, first_at timestamptz, facts jsonb)`,
      [
        json(
          facts.compliance.map((f) => ({
            scope: f.scope,
            patient_id: f.patientId,
            pregnancy: f.facts.id,
            first_at: f.facts.first.receivedAt,
            facts: stored(f.facts),
          })),
        ),
      ],
    );
  if (facts.followUp.length > 0)
    await tx.query(
      `INSERT INTO qc_follow_up_facts (scope, patient_id, pregnancy, first_at, nipt_day, facts)
       SELECT scope, patient_id, pregnancy, first_at, nipt_day, facts
       FROM jsonb_to_recordset($1::jsonb) AS r(scope text, patient_id text, pregnancy text, first_at timestamptz, nipt_day date, facts jsonb)`,
      [
        json(
          facts.followUp.map(({ scope, patientId, facts: f }) => ({
            scope,
            patient_id: patientId,
            pregnancy: f.id,
            first_at: f.compliance?.first.receivedAt ?? null,
            nipt_day: f.nipt?.day ?? null,
            facts: f.compliance === null ? f : { ...f, compliance: stored(f.compliance) },
          })),
        ),
      ],
    );
  // A woman written to since her version was read stays dirty: her mark's version moved on (a mark
  // locked by a write in progress is re-read once it commits). The marks are locked in patient order,
  // the order the triggers upsert them in, so a refresh and a batch of hook calls cannot deadlock.
  await tx.query(
    `WITH done AS (
       SELECT d.patient_id FROM qc_summary_dirty d JOIN jsonb_to_recordset($1::jsonb) AS s(patient_id text, version bigint)
         ON d.patient_id = s.patient_id AND d.version = s.version
       ORDER BY d.patient_id FOR UPDATE OF d)
     DELETE FROM qc_summary_dirty d USING done WHERE d.patient_id = done.patient_id`,
    [json(dirty)],
  );
  return dirty.length;
}

/**
 * Women marked per transaction when every woman is marked again: each chunk one statement along an
 * index range. On the embedded store it is that long a pause for the hook calls (≈ 10 µs a woman, so
 * ≈ 50 ms); on a server, the time a hook call of one of its women may wait for her mark.
 */
const MARK_CHUNK = 5_000;

/**
 * Facts computed with other settings (or none yet: a new or just migrated store) are dropped and
 * every woman of the audit marked dirty again, `markChunk` women a transaction (migration 20): the
 * first transaction of a rebuild empties the facts and records the settings it is for; each marks the
 * next chunk along `hook_call (patient_id, …)` and records the last woman marked; the one that finds
 * no woman left stores the settings, and the facts are folded in from then on. `marked` when this
 * transaction marked a chunk (the caller commits it and goes on), `current` when the facts may be
 * folded in. A rebuild interrupted goes on after its last woman; one for other settings, or after
 * settings were stored meanwhile, starts over.
 * A woman written to meanwhile is marked by the triggers, whichever side of the chunk she is on.
 */
async function keepSettings(tx: Sql, key: string, markChunk: number): Promise<'current' | 'marked'> {
  const [state] = await tx.query<{ settings: string | null; marking: string | null; marked_through: string | null }>(
    'SELECT settings, marking, marked_through FROM qc_summary_state WHERE id = 1',
  );
  if (state?.settings === key) return 'current';
  let after: string | null = null;
  // Resumed only if nothing was stored since: a server of a version before migration 20 stores its
  // own settings (and folds women in with them) without knowing of the rebuild.
  if (state?.settings === null && state.marking === key) after = state.marked_through;
  else {
    await tx.query('TRUNCATE qc_case_facts, qc_follow_up_facts');
    await tx.query(
      `INSERT INTO qc_summary_state (id, settings, marking, marked_through) VALUES (1, NULL, $1, NULL)
       ON CONFLICT (id) DO UPDATE SET settings = NULL, marking = EXCLUDED.marking, marked_through = NULL`,
      [key],
    );
  }
  const [chunk] = await tx.query<{ last: string | null }>(
    `WITH next AS (
       SELECT patient_id FROM hook_call WHERE patient_id > $1::text OR ($1::text IS NULL AND patient_id IS NOT NULL)
       GROUP BY patient_id ORDER BY patient_id LIMIT $2),
     marked AS (
       INSERT INTO qc_summary_dirty (patient_id, version) SELECT patient_id, 1 FROM next
       ON CONFLICT (patient_id) DO UPDATE SET version = qc_summary_dirty.version + 1)
     SELECT max(patient_id) AS last FROM next`,
    [after, markChunk],
  );
  const last = chunk?.last ?? null;
  if (last !== null) {
    await tx.query('UPDATE qc_summary_state SET marked_through = $1 WHERE id = 1', [last]);
    return 'marked';
  }
  await tx.query('UPDATE qc_summary_state SET settings = $1, marking = NULL, marked_through = NULL WHERE id = 1', [key]);
  return 'current';
}

/**
 * These women's rows of every date, institution and EHR that their facts are computed from: each
 * read leaves out only rows that change no fact — repeated calls, copies of a source's findings,
 * cards nobody clicked, equal follow-up events (docs/design.md#qc-summary).
 */
async function readWomen(tx: Sql, patientIds: readonly string[]): Promise<WomenRows> {
  return (await readWomenTimed(tx, patientIds)).rows;
}

/** `readWomen`, with the milliseconds of each read (test/bench/long-history.ts). */
export async function readWomenTimed(
  tx: Sql,
  patientIds: readonly string[],
): Promise<{ rows: WomenRows; ms: Record<keyof WomenRows, number> }> {
  const q = { ...ALL_TIME, patientIds };
  const ms = {} as Record<keyof WomenRows, number>;
  const timed = async <T>(k: keyof WomenRows, read: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await read();
    ms[k] = performance.now() - t;
    return out;
  };
  const findings = await timed('findings', () => listDistinctFindings(tx, q));
  const cards = await timed('cards', () => listCards(tx, q, { clicked: true }));
  const feedback = await timed('feedback', () => listCardFeedback(tx, q));
  const acknowledgements = await timed('acknowledgements', () => listAcknowledgements(tx, q));
  const communications = await timed('communications', async () => (await listObservedNotices(tx, q)).map(observedCommunication));
  const sightings = await timed('sightings', () => listPregnancySightings(tx, q));
  const events = await timed('events', () => listDistinctFollowUpEvents(tx, q));
  return { rows: { findings, cards, feedback, acknowledgements, communications, sightings, events }, ms };
}

/** What is kept of a pregnancy's facts: of its first call only the call's facts (not the finding's evidence). */
function stored(f: PregnancyFacts): PregnancyFacts {
  const c = f.first;
  const first: CallFacts = compact({
    hookCallId: c.hookCallId,
    receivedAt: c.receivedAt,
    issuer: c.issuer,
    tenant: c.tenant,
    institutionId: c.institutionId,
    practitionerId: c.practitionerId,
    patientId: c.patientId,
    patientMrn: c.patientMrn,
    pregnancyKey: c.pregnancyKey,
    edd: c.edd,
  });
  return { ...f, first };
}
