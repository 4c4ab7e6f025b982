import { randomUUID } from 'node:crypto';
import { canonicalJson, jcs } from '../canonical-json.js';
import { AppError } from '../errors/app-error.js';
import type { FeedbackRecord } from './records.js';
import { NOTICE_CONFLICT_SQLSTATE } from './migrations/0003-notice-conflict.js';
import type { HookCallRecord, NoticeRecord } from './records.js';
import { json, sha256 } from './row-values.js';
import type { Sql } from './sql.js';

/**
 * The write statements of the audit trail. Rows go in through `jsonb_to_recordset` (a set of rows
 * per round trip, same SQL on PGlite and a server).
 */

/** A notice id stored twice with different content: a bug in the caller, never a store outage. */
export class NoticeConflictError extends Error {
  constructor(readonly noticeId: string) {
    super(`notice ${noticeId} already stored with a different hash`);
    this.name = 'NoticeConflictError';
  }
}

/**
 * What makes a stored notice the same as ours (docs/design.md#notice-reuse): its substance hash when
 * its id was derived from it (a later issue differs only in its per-issue fields), else its hash.
 */
export function noticeSameKey(n: Pick<NoticeRecord, 'hash' | 'substanceHash'>): string {
  return n.substanceHash ?? n.hash;
}

/** The content as stored: the canonical text that was hashed (docs/design.md#notice-reuse). */
function canonicalText(n: Pick<NoticeRecord, 'canonical' | 'content'>): string {
  return n.canonical ?? jcs(n.content);
}

/** Stores a notice once; the same id again with the same substance (or hash) is a no-op, with another a conflict. */
export async function insertNotice(tx: Sql, n: NoticeRecord, hookCallId?: string): Promise<void> {
  const inserted = await tx.query(
    `INSERT INTO notice (id, created_at, hash, substance_hash, patient_id, pregnancy_key, edd, institution_id, practitioner_id, hook_call_id, rules, content_jcs)
     SELECT $1, $2::timestamptz, $3, $12, $4, $5, $11::date, $6, $7, $8::uuid, ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), $10
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      n.id,
      n.createdAt,
      n.hash,
      n.patientId,
      n.pregnancyKey ?? null,
      n.institutionId ?? null,
      n.practitionerId ?? null,
      hookCallId ?? null,
      json(n.rules ?? []),
      canonicalText(n),
      n.edd ?? null,
      n.substanceHash ?? null,
    ],
  );
  if (inserted.length > 0) return;
  const [existing] = await tx.query<{ key: string }>('SELECT COALESCE(substance_hash, hash) AS key FROM notice WHERE id = $1', [n.id]);
  if (existing?.key !== noticeSameKey(n)) throw new NoticeConflictError(n.id);
}

/** The type OID of `text`, the element type a binary `text[]` names. */
const TEXT_OID = 25;

/**
 * A one-dimensional `text[]` in PostgreSQL's binary format (`array_recv`: dimensions, no-null
 * flag, element type, length and lower bound, then each element's length and UTF-8 bytes), sent as
 * a binary parameter of a named statement and cast to `text[]` in it: the same bytes on PGlite and
 * a server, nothing escaped on the way in nor parsed on the way through. A text of 10,000
 * characters (21 KB) cost 0.16–0.21 ms more a statement on PGlite as an array literal (`{"…"}`):
 * escaping its quotes here, then PostgreSQL's `array_in` reading every character of it
 * (docs/design.md#hook-call-cost).
 */
export function textArrayBinary(items: readonly string[]): Buffer {
  const lengths = items.map((s) => Buffer.byteLength(s, 'utf8'));
  const out = Buffer.allocUnsafe(20 + lengths.reduce((sum, n) => sum + 4 + n, 0));
  let at = out.writeInt32BE(1, 0); // dimensions
  at = out.writeInt32BE(0, at); // no NULL element
  at = out.writeInt32BE(TEXT_OID, at);
  at = out.writeInt32BE(items.length, at);
  at = out.writeInt32BE(1, at); // lower bound
  items.forEach((s, i) => {
    at = out.writeInt32BE(lengths[i]!, at);
    at += out.write(s, at, 'utf8');
  });
  return out;
}

/** A hook call with its id fixed before the first write attempt (a retry can never store it twice). */
export interface IdentifiedHookCall {
  readonly id: string;
  readonly record: HookCallRecord;
  /** An earlier call whose finding rows equal this call's: stored instead of them (src/store/reuse-cache.ts). */
  readonly findingsFrom?: string;
}

/** Gives a record its id: the caller's, else a new UUID. */
export function identify(record: HookCallRecord): IdentifiedHookCall {
  return { id: record.id ?? randomUUID(), record };
}

/**
 * Every row of a set of hook calls (calls, findings, cards, suggestions, rule errors, undecided outcomes, notices,
 * notice links) in ONE statement: data-modifying CTEs over `jsonb_to_recordset`, one round trip whatever the count.
 * A CTE is left out when it has no rows (most calls have no rule error, many no card or notice):
 * each one costs planning and executor start-up even when empty, a large part of a single write on
 * PGlite. Foreign keys are checked at the end of the statement, so children may reference the calls
 * inserted by a sibling CTE. Same SQL on PGlite and a server.
 */
const CTES = {
  h: (p: string) => `h AS (
  INSERT INTO hook_call (id, hook_instance, service_id, hook, received_at, clinical_today, clinic_time_zone, issuer, tenant,
    institution_id, institution_via, practitioner_id, patient_id, patient_mrn, pregnancy_key, edd, status, latency_ms, findings_from)
  SELECT x.id, x.hook_instance, x.service_id, x.hook, x.received_at, x.clinical_today, x.clinic_time_zone, x.issuer, x.tenant,
    x.institution_id, x.institution_via, x.practitioner_id, x.patient_id, x.patient_mrn, x.pregnancy_key, x.edd, x.status, x.latency_ms,
    x.findings_from
  FROM jsonb_to_recordset(${p}::jsonb) AS x(id uuid, hook_instance text, service_id text, hook text, received_at timestamptz,
    clinical_today date, clinic_time_zone text, issuer text, tenant text, institution_id text, institution_via text,
    practitioner_id text, patient_id text, patient_mrn text, pregnancy_key text, edd date, status int, latency_ms int, findings_from uuid))`,
  f: (p: string) => `f AS (
  INSERT INTO finding (hook_call_id, ordinal, rule, rule_version, citation, evidence, params)
  SELECT x.hook_call_id, x.ordinal, x.rule, x.rule_version, x.citation, x.evidence, x.params
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, ordinal int, rule text, rule_version text, citation text, evidence jsonb, params jsonb))`,
  c: (p: string) => `c AS (
  INSERT INTO card (hook_call_id, uuid, indicator, rules)
  SELECT x.hook_call_id, x.uuid, x.indicator, x.rules
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, uuid text, indicator text, rules text[]))`,
  s: (p: string) => `s AS (
  INSERT INTO suggestion (hook_call_id, card_uuid, uuid, kind)
  SELECT x.hook_call_id, x.card_uuid, x.uuid, x.kind
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, card_uuid text, uuid text, kind text))`,
  e: (p: string) => `e AS (
  INSERT INTO rule_error (hook_call_id, ordinal, rule, rule_version, citation, cause, error_class)
  SELECT x.hook_call_id, x.ordinal, x.rule, x.rule_version, x.citation, x.cause, x.error_class
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, ordinal int, rule text, rule_version text, citation text, cause text,
    error_class text))`,
  u: (p: string) => `u AS (
  INSERT INTO undecided (hook_call_id, ordinal, rule, rule_version, citation, reason, evidence)
  SELECT x.hook_call_id, x.ordinal, x.rule, x.rule_version, x.citation, x.reason, x.evidence
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, ordinal int, rule text, rule_version text, citation text, reason text,
    evidence jsonb))`,
  // Follow-up observed by the call (docs/design.md#follow-up).
  v: (p: string) => `v AS (
  INSERT INTO follow_up_event (hook_call_id, ordinal, kind, reference, occurred, occurred_day, code, detail, institution_id)
  SELECT x.hook_call_id, x.ordinal, x.kind, x.reference, x.occurred, x.occurred_day, x.code, x.detail, x.institution_id
  FROM jsonb_to_recordset(${p}::jsonb) AS x(hook_call_id uuid, ordinal int, kind text, reference text, occurred text, occurred_day date,
    code text, detail text, institution_id text))`,
  // The content goes in as the canonical text that was hashed, stored as is and never parsed: a
  // parameter of its own (a text[] by `ord`), not a string inside the jsonb of the other columns,
  // whose parse would go through every character of it again (docs/design.md#notice-reuse).
  n: (p: string, contents: string) => `n AS (
  INSERT INTO notice (id, created_at, hash, substance_hash, patient_id, pregnancy_key, edd, institution_id, practitioner_id, hook_call_id, rules,
    content_jcs)
  SELECT x.id, x.created_at, x.hash, x.substance_hash, x.patient_id, x.pregnancy_key, x.edd, x.institution_id, x.practitioner_id, x.hook_call_id,
    x.rules, (${contents}::text[])[x.ord + 1]
  FROM jsonb_to_recordset(${p}::jsonb) AS x(ord int, id text, created_at timestamptz, hash text, substance_hash text, patient_id text,
    pregnancy_key text, edd date, institution_id text, practitioner_id text, hook_call_id uuid, rules text[])
  ORDER BY x.ord
  ON CONFLICT (id) DO NOTHING
  RETURNING id, COALESCE(substance_hash, hash) AS key
)`,
  // A re-issued link (docs/design.md#notice-links) opens only a notice of the same patient, issued to the same EHR.
  l: (p: string) => `l AS (
  INSERT INTO notice_link (id, token_hash, notice_id, hook_call_id, issued_at, expires_at, reissue)
  SELECT x.id, x.token_hash, x.notice_id, x.hook_call_id, x.issued_at, x.expires_at, x.reissue
  FROM jsonb_to_recordset(${p}::jsonb) AS x(id uuid, token_hash text, notice_id text, hook_call_id uuid, issued_at timestamptz,
    expires_at timestamptz, reissue boolean, patient_id text, issuer text, tenant text)
  WHERE NOT x.reissue OR EXISTS (SELECT 1 FROM notice sn JOIN hook_call hc ON hc.id = sn.hook_call_id
    WHERE sn.id = x.notice_id AND sn.patient_id = x.patient_id AND hc.issuer = x.issuer AND hc.tenant IS NOT DISTINCT FROM x.tenant))`,
} as const;
type CteName = keyof typeof CTES;

/**
 * The statement for the CTEs that have rows (`h` always), with `$1…` in the given order; with
 * notices, two more parameters: their ids and hashes alone, then their contents (a text[]). Its
 * main query then raises (`notice_conflict`, migration 0003) for a notice id whose stored hash
 * differs from ours, so the one statement is all or nothing without a transaction around it.
 * A notice inserted now is compared with `n` (the same statement's snapshot does not see it in
 * `notice`); a second row of one id in the set hits ON CONFLICT DO NOTHING and is compared there.
 */
function insertStatement(present: readonly CteName[]): string {
  const withs = present
    .map((name, i) => (name === 'n' ? CTES.n(`$${i + 1}`, `$${present.length + 2}`) : CTES[name](`$${i + 1}`)))
    .join(',\n');
  // Data-modifying CTEs run whether or not the main query reads them.
  const main = present.includes('n')
    ? `SELECT notice_conflict(x.id) FROM jsonb_to_recordset($${present.length + 1}::jsonb) AS x(id text, key text)
WHERE x.key IS DISTINCT FROM COALESCE((SELECT n.key FROM n WHERE n.id = x.id),
  (SELECT COALESCE(s.substance_hash, s.hash) FROM notice s WHERE s.id = x.id))`
    : 'SELECT NULL WHERE false';
  return `WITH\n${withs}\n${main}`;
}

/** The statement failed in `notice_conflict`: some notice id is (or seemed) stored with another hash. */
function isNoticeConflict(err: unknown): boolean {
  return err instanceof AppError && (err.cause as { code?: unknown } | undefined)?.code === NOTICE_CONFLICT_SQLSTATE;
}

/** The first of `hashes`' ids stored with a different hash, read in a statement of its own. */
async function storedConflict(sql: Sql, hashes: ReadonlyMap<string, string>): Promise<string | undefined> {
  const stored = await sql.query<{ id: string; hash: string }>(
    'SELECT id, COALESCE(substance_hash, hash) AS hash FROM notice WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))',
    [json([...hashes.keys()])],
  );
  return stored.find((r) => hashes.get(r.id) !== r.hash)?.id;
}

/**
 * Inserts hook calls and all their child rows in ONE statement, autocommitted when called outside a
 * transaction (the batcher's way: one round trip, no BEGIN and COMMIT). Call it outside one: its
 * conflict check reads after a failed statement, which an open transaction would refuse.
 * Notices keep `insertNotice`'s semantics: an id already stored (or stored twice in this set) with
 * the same hash is a no-op, with another hash the whole set is refused with NoticeConflictError and
 * nothing of it is stored (src/store/hook-call-batcher.ts then retries record by record so only the
 * offending call fails). Returns nothing: the ids were fixed by `identify`.
 */
export async function insertHookCalls(sql: Sql, calls: readonly IdentifiedHookCall[]): Promise<void> {
  if (calls.length === 0) return;
  const notices = calls
    .flatMap(({ id, record: { notice: n } }) =>
      n
        ? [
            {
              id: n.id,
              created_at: n.createdAt,
              hash: n.hash,
              substance_hash: n.substanceHash ?? null,
              key: noticeSameKey(n),
              patient_id: n.patientId,
              pregnancy_key: n.pregnancyKey ?? null,
              edd: n.edd ?? null,
              institution_id: n.institutionId ?? null,
              practitioner_id: n.practitionerId ?? null,
              hook_call_id: id,
              rules: n.rules ?? [],
              content: canonicalText(n),
            },
          ]
        : [],
    )
    .map((n, ord) => ({ ord, ...n }));
  const hashes = new Map<string, string>();
  for (const n of notices) {
    const first = hashes.get(n.id);
    if (first === undefined) hashes.set(n.id, n.key);
    else if (first !== n.key) throw new NoticeConflictError(n.id);
  }
  const rows = <T>(pick: (c: IdentifiedHookCall) => T[]): T[] => calls.flatMap(pick);
  const sets: Record<CteName, readonly unknown[]> = {
    h: rows(({ id, record: r, findingsFrom }) => [
      {
        id,
        hook_instance: r.hookInstance,
        service_id: r.serviceId,
        hook: r.hook,
        received_at: r.receivedAt,
        clinical_today: r.clinicalToday ?? null,
        clinic_time_zone: r.clinicTimeZone ?? null,
        issuer: r.issuer,
        tenant: r.tenant ?? null,
        institution_id: r.institutionId ?? null,
        institution_via: r.institutionVia ?? null,
        practitioner_id: r.practitionerId ?? null,
        patient_id: r.patientId ?? null,
        patient_mrn: r.patientMrn ?? null,
        pregnancy_key: r.pregnancyKey ?? null,
        edd: r.edd ?? null,
        status: r.status,
        latency_ms: Math.max(0, Math.round(r.latencyMs)),
        findings_from: findingsFrom ?? null,
      },
    ]),
    f: rows(({ id, record: r }) =>
      r.findings.map((f, ordinal) => ({
        hook_call_id: id,
        ordinal,
        rule: f.rule,
        rule_version: f.ruleVersion ?? null,
        citation: f.citation,
        evidence: f.evidence,
        params: f.params,
      })),
    ),
    c: rows(({ id, record: r }) => r.cards.map((c) => ({ hook_call_id: id, uuid: c.uuid, indicator: c.indicator, rules: c.rules }))),
    s: rows(({ id, record: r }) =>
      r.cards.flatMap((c) => c.suggestions.map((s) => ({ hook_call_id: id, card_uuid: c.uuid, uuid: s.uuid, kind: s.kind }))),
    ),
    e: rows(({ id, record: r }) =>
      r.ruleErrors.map((e, ordinal) => ({
        hook_call_id: id,
        ordinal,
        rule: e.rule,
        rule_version: e.ruleVersion ?? null,
        citation: e.citation ?? null,
        cause: e.cause,
        error_class: e.errorClass ?? null,
      })),
    ),
    u: rows(({ id, record: r }) =>
      (r.undecided ?? []).map((u, ordinal) => ({
        hook_call_id: id,
        ordinal,
        rule: u.rule,
        rule_version: u.ruleVersion,
        citation: u.citation,
        reason: u.reason,
        evidence: u.evidence,
      })),
    ),
    v: rows(({ id, record: r }) =>
      (r.followUp ?? []).map((e, ordinal) => ({
        hook_call_id: id,
        ordinal,
        kind: e.kind,
        reference: e.reference,
        occurred: e.on,
        occurred_day: e.day,
        code: e.code ?? null,
        detail: e.detail ?? null,
        institution_id: e.institution ?? null,
      })),
    ),
    n: notices.map(({ content: _content, ...row }) => row),
    l: rows(({ id, record: r }) =>
      r.noticeLink
        ? [
            {
              id: r.noticeLink.id,
              token_hash: r.noticeLink.tokenHash,
              notice_id: r.noticeLink.noticeId,
              hook_call_id: id,
              issued_at: r.noticeLink.issuedAt,
              expires_at: r.noticeLink.expiresAt,
              reissue: r.noticeLink.reissue,
              patient_id: r.noticeLink.patientId,
              issuer: r.issuer,
              tenant: r.tenant ?? null,
            },
          ]
        : [],
    ),
  };
  const present = (Object.keys(CTES) as CteName[]).filter((k) => k === 'h' || sets[k].length > 0);
  const text = insertStatement(present);
  const params = [
    ...present.map((k) => json(sets[k])),
    ...(notices.length > 0 ? [json(notices.map(({ id, key }) => ({ id, key }))), textArrayBinary(notices.map((n) => n.content))] : []),
  ];
  // A named statement: at most 2^8 texts (h plus any of the others), each parsed and planned once.
  const options = { name: `insert_hook_calls_${present.join('')}` };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sql.query(text, params, options);
      return;
    } catch (err) {
      if (!isNoticeConflict(err)) throw err;
      // A notice id stored with another hash — or one another replica committed after this
      // statement's snapshot was taken (invisible to it, so it looked unlike ours). A statement of
      // its own sees every committed notice: a different hash is a conflict; else write again.
      const conflict = await storedConflict(sql, hashes);
      if (conflict !== undefined) throw new NoticeConflictError(conflict);
      if (attempt === 2) throw err;
    }
  }
}

/** A stable key for telling a repeated feedback item from a new one (service, issuer, item). */
export function feedbackDedupeKey(r: FeedbackRecord): string {
  return sha256(canonicalJson({ serviceId: r.serviceId, issuer: r.issuer, item: r.item }));
}

/** Appends a batch of feedback items in arrival order (repeats included), in one statement. */
export async function insertFeedback(sql: Sql, records: readonly FeedbackRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r, ord) => ({
    ord,
    service_id: r.serviceId,
    card_uuid: r.item.card,
    outcome: r.item.outcome,
    accepted_suggestions: Array.isArray(r.item.acceptedSuggestions) ? r.item.acceptedSuggestions : [],
    override_reason: r.item.overrideReason ?? null,
    outcome_timestamp: r.item.outcomeTimestamp,
    received_at: r.receivedAt,
    issuer: r.issuer,
    dedupe_key: feedbackDedupeKey(r),
    item: r.item,
  }));
  await sql.query(
    `INSERT INTO feedback (service_id, card_uuid, outcome, accepted_suggestions, override_reason, outcome_timestamp,
       received_at, issuer, dedupe_key, item)
     SELECT x.service_id, x.card_uuid, x.outcome, x.accepted_suggestions, x.override_reason, x.outcome_timestamp,
       x.received_at, x.issuer, x.dedupe_key, x.item
     FROM jsonb_to_recordset($1::jsonb) AS x(ord int, service_id text, card_uuid text, outcome text,
       accepted_suggestions jsonb, override_reason jsonb, outcome_timestamp timestamptz, received_at timestamptz,
       issuer text, dedupe_key text, item jsonb)
     ORDER BY x.ord`,
    [json(rows)],
  );
}
