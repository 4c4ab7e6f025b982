import type { FeedbackRecord } from './records.js';
import { ACK_COLUMNS, acknowledgementFromRow, type AcknowledgementRow } from './acknowledgements.js';
import type {
  AcknowledgementRecord,
  CardRecord,
  FindingRecord,
  HookCallRecord,
  NoticeRecord,
  PeriodQuery,
  RuleErrorRecord,
  UndecidedRecord,
} from './records.js';
import { compact, iso, json } from './row-values.js';
import type { Sql } from './sql.js';

/** Where a row sits: the hook call it came from (absent members are SQL NULL). */
export interface CallContext {
  readonly hookCallId: string;
  readonly receivedAt: string;
  readonly serviceId: string;
  /** The call's verified issuer and tenant: the EHR that owns `patientId` (docs/design.md#pregnancy-identity). */
  readonly issuer?: string;
  readonly tenant?: string;
  readonly institutionId?: string;
  readonly practitionerId?: string;
  readonly patientId?: string;
  /** Her record number (MRN_SYSTEM) stored with the call (docs/design.md#patient-identity). */
  readonly patientMrn?: string;
  readonly pregnancyKey?: string;
  /** The call's best EDD (YYYY-MM-DD; docs/design.md#pregnancy-identity). */
  readonly edd?: string;
}

export type HookCallRow = Omit<HookCallRecord, 'id' | 'findings' | 'cards' | 'ruleErrors' | 'undecided' | 'notice'> & {
  readonly id: string;
  readonly noticeId?: string;
};
export type FindingRow = FindingRecord & CallContext;
export type RuleErrorRow = RuleErrorRecord & CallContext;
export type UndecidedRow = UndecidedRecord & CallContext;
export type CardRow = CardRecord & CallContext;
/** A notice without its content (fetch that with `get`). */
export type NoticeRow = Omit<NoticeRecord, 'content'> & { readonly hookCallId?: string };
/** A feedback item, with the hook call of its card when the card is ours. */
export type FeedbackRow = FeedbackRecord &
  Partial<Omit<CallContext, 'receivedAt' | 'serviceId' | 'issuer' | 'tenant'>> & {
    readonly cardUuid: string;
    readonly outcome: string;
    readonly acceptedSuggestions: readonly string[];
    readonly outcomeTimestamp: string;
    readonly dedupeKey: string;
  };
/** An acknowledgement, with the facts of its notice. */
export type AcknowledgementQueryRow = AcknowledgementRecord & {
  readonly patientId: string;
  /** The EHR of the notice's call (docs/design.md#pregnancy-identity). */
  readonly issuer?: string;
  readonly tenant?: string;
  readonly pregnancyKey?: string;
  /** The notice's call's best EDD. */
  readonly edd?: string;
  readonly institutionId?: string;
};

type Raw = Record<string, unknown>;
const CALL =
  'h.id::text AS hook_call_id, h.received_at, h.service_id, h.issuer AS call_issuer, h.tenant AS call_tenant, h.institution_id, h.practitioner_id, h.patient_id, h.patient_mrn, h.pregnancy_key, h.edd::text AS edd';
/** A feedback item's own columns (alias `fb`), for the two feedback reads. */
const FEEDBACK = `fb.service_id AS feedback_service_id, fb.card_uuid, fb.outcome, fb.accepted_suggestions, fb.outcome_timestamp,
       fb.received_at AS feedback_received_at, fb.issuer, fb.dedupe_key, fb.item`;

const IN_PERIOD = (col: string, inst: string) =>
  `${col} >= $1::timestamptz AND ${col} < $2::timestamptz AND ($3::text IS NULL OR ${inst} = $3)`;

function params(q: PeriodQuery): unknown[] {
  return [q.from, q.to, q.institutionId ?? null];
}

/**
 * When the query names patients, only theirs (`$4`, a JSON array; NULL for every patient). `= ANY
 * (ARRAY(…))`, not `IN (SELECT …)`: inside the `OR` an `IN` stays a filter evaluated on every row
 * (PostgreSQL pulls a sub-select up into a join only outside an `OR`), so a read of a thousand women
 * scanned every call of the table; the array is one value the `(patient_id, …)` index is searched with
 * (docs/design.md#qc-scale).
 */
export const OF_PATIENTS = (col: string) => `($4::jsonb IS NULL OR ${col} = ANY (ARRAY(SELECT jsonb_array_elements_text($4::jsonb))))`;

/** IN_PERIOD and, when the query names patients, only their calls. */
const IN_PERIOD_OF = (col: string, inst: string) => `${IN_PERIOD(col, inst)} AND ${OF_PATIENTS('h.patient_id')}`;

export function patientParams(q: PeriodQuery): unknown[] {
  return [...params(q), q.patientIds === undefined ? null : json([...new Set(q.patientIds)])];
}

/**
 * The patient ids a QC report of a short period is about (docs/design.md#qc-scale): those of the
 * calls received in the period that had findings (their own, or a reused notice's), and with `nipt`
 * those of the calls that observed an NIPT result dated in [nipt.from, nipt.to] (calendar days). A
 * report's cases are pregnancies of these women only, and each woman's are computed from her own
 * rows: reading only theirs gives the same report.
 */
export async function listReportPatients(sql: Sql, q: PeriodQuery, nipt?: { from: string; to: string }): Promise<string[]> {
  const findings = `SELECT h.patient_id FROM hook_call h WHERE ${IN_PERIOD('h.received_at', 'h.institution_id')}
       AND h.patient_id IS NOT NULL AND h.findings_from IS NULL AND EXISTS (SELECT 1 FROM finding x WHERE x.hook_call_id = h.id)
     UNION SELECT h.patient_id FROM hook_call h WHERE ${IN_PERIOD('h.received_at', 'h.institution_id')}
       AND h.patient_id IS NOT NULL AND h.findings_from IS NOT NULL
       AND EXISTS (SELECT 1 FROM finding x WHERE x.hook_call_id = h.findings_from)`;
  // Any call that observed the test, whenever received (more women than needed is only more rows).
  const tests = `UNION SELECT h.patient_id FROM follow_up_event x JOIN hook_call h ON h.id = x.hook_call_id
     WHERE x.kind IN ('nipt-high-risk', 'nipt-low-risk') AND x.occurred_day >= $4::date AND x.occurred_day <= $5::date
       AND ($3::text IS NULL OR h.institution_id = $3) AND h.patient_id IS NOT NULL`;
  const rows = await sql.query<{ patient_id: string }>(
    nipt === undefined ? findings : `${findings} ${tests}`,
    nipt === undefined ? params(q) : [...params(q), nipt.from, nipt.to],
    REPORT,
  );
  return rows.map((r) => r.patient_id);
}

/** Every read here is a QC report read: its own timeout, JIT off on PostgreSQL (docs/design.md#qc-scale). */
export const REPORT = { report: true } as const;

/**
 * One read's table of the strings its rows repeat (service, EHR, institution, practitioner, patient,
 * record number, pregnancy key, EDD): each kept once however many rows carry it. A province year is
 * a million rows whose call facts are a few thousand distinct values (docs/design.md#qc-scale).
 */
export function stringTable(): (v: unknown) => string | undefined {
  const kept = new Map<string, string>();
  return (v) => {
    if (v === null || v === undefined) return undefined;
    const s = v as string;
    const seen = kept.get(s);
    if (seen !== undefined) return seen;
    kept.set(s, s);
    return s;
  };
}

/** The call's context of a row; absent members are left out (as `compact` would), repeated strings shared. */
function context(r: Raw, str: (v: unknown) => string | undefined = stringTable()): CallContext {
  const c: { -readonly [K in keyof CallContext]: CallContext[K] } = {
    hookCallId: r.hook_call_id as string,
    receivedAt: iso(r.received_at),
    serviceId: str(r.service_id)!,
  };
  const optional = {
    issuer: r.call_issuer,
    tenant: r.call_tenant,
    institutionId: r.institution_id,
    practitionerId: r.practitioner_id,
    patientId: r.patient_id,
    patientMrn: r.patient_mrn,
    pregnancyKey: r.pregnancy_key,
    edd: r.edd,
  } as const;
  for (const k of Object.keys(optional) as (keyof typeof optional)[]) {
    const v = str(optional[k]);
    if (v !== undefined) c[k] = v;
  }
  return c;
}

/** A feedback item's card's call, without what the feedback has of its own (time, service, issuer). */
function withoutCallTimes(c: CallContext): Omit<CallContext, 'receivedAt' | 'serviceId' | 'issuer' | 'tenant'> {
  const { receivedAt: _r, serviceId: _s, issuer: _i, tenant: _t, ...rest } = c;
  return rest;
}

/** Hook calls received in the period (oldest first). */
export async function listHookCalls(sql: Sql, q: PeriodQuery): Promise<HookCallRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT h.*, h.id::text AS id, h.clinical_today::text AS clinical_today_text, h.edd::text AS edd_text, n.id AS notice_id FROM hook_call h LEFT JOIN notice n ON n.hook_call_id = h.id
     WHERE ${IN_PERIOD('h.received_at', 'h.institution_id')} ORDER BY h.received_at, h.id`,
    params(q),
    REPORT,
  );
  return rows.map((r) =>
    compact({
      id: r.id as string,
      hookInstance: r.hook_instance as string,
      serviceId: r.service_id as string,
      hook: r.hook as string,
      receivedAt: iso(r.received_at),
      clinicalToday: r.clinical_today_text as string | null,
      clinicTimeZone: r.clinic_time_zone as string | null,
      issuer: r.issuer as string,
      tenant: r.tenant as string | null,
      institutionId: r.institution_id as string | null,
      institutionVia: r.institution_via as string | null,
      practitionerId: r.practitioner_id as string | null,
      patientId: r.patient_id as string | null,
      patientMrn: r.patient_mrn as string | null,
      pregnancyKey: r.pregnancy_key as string | null,
      edd: r.edd_text as string | null,
      status: Number(r.status),
      latencyMs: Number(r.latency_ms),
      noticeId: r.notice_id as string | null,
    }),
  );
}

/**
 * The rows of a per-call child table (`finding`, `rule_error`, `undecided`, `follow_up_event`: `hook_call_id`, `ordinal`)
 * of the hook calls received in the period, in call and ordinal order, each with its call's context.
 * With `reused`, the findings: a call that reused a stored notice holds no findings of its own and
 * reads those of the call it names (`findings_from`, docs/design.md#notice-reuse). That is a UNION
 * ALL of two joins, each on a plain column (calls with their own rows on `id`, the others on
 * `findings_from`): a join on `COALESCE(findings_from, id)` matches no index, and at a million calls
 * cost one probe per call (docs/design.md#qc-scale). The second join says `findings_from IS NOT NULL`
 * although its equality implies it: without it the planner expected every call of the period there
 * and hashed every finding of the table (1.5 → 0.6 s for the largest institution's year, PGlite).
 */
export async function childRows<T>(
  sql: Sql,
  q: PeriodQuery,
  table: string,
  columns: string,
  /** The row's own members; `str` shares the strings its rows repeat (rule ids, kinds, codes…). */
  row: (r: Raw, str: (v: unknown) => string | undefined) => T,
  opts: {
    readonly reused?: 'all' | 'differing';
    /** Of the rows equal in these expressions (of `h` and `x`), only the first in row order. */
    readonly firstOf?: string;
  } = {},
): Promise<(CallContext & T)[]> {
  const select = (on: string, where: string) => {
    const text = `SELECT ${opts.firstOf ? `DISTINCT ON (${opts.firstOf}) ` : ''}${CALL}, h.id AS call_order, x.ordinal AS row_order, ${columns}
     FROM ${table} x JOIN hook_call h ON ${on} = x.hook_call_id
     WHERE ${IN_PERIOD_OF('h.received_at', 'h.institution_id')}${where}`;
    return opts.firstOf ? `(${text} ORDER BY ${opts.firstOf}, h.received_at, h.id, x.ordinal)` : text;
  };
  const reusing = ` AND h.findings_from IS NOT NULL${opts.reused === 'differing' ? ` AND NOT EXISTS (${SAME_AS_SOURCE})` : ''}`;
  const selected = opts.reused
    ? `${select('h.id', ' AND h.findings_from IS NULL')} UNION ALL ${select('h.findings_from', reusing)}`
    : select('h.id', '');
  const text = opts.firstOf ? `SELECT * FROM (${selected}) first_of` : selected;
  const rows = await sql.query<Raw>(`${text} ORDER BY received_at, call_order, row_order`, patientParams(q), REPORT);
  const str = stringTable();
  return rows.map((r) => Object.assign(context(r, str), row(r, str)));
}

/**
 * A reusing call `h` whose findings tell nothing its source's do not: the source (`findings_from`)
 * was received before it and inside the read (`$1`: its findings are read too), by the same EHR,
 * institution and woman, with the same pregnancy key and EDD — so each of its findings is a later
 * copy of one of the source's, in the same pregnancy and scope. A hospital's test patient, her chart
 * opened all day, is thousands of such calls.
 */
const SAME_AS_SOURCE = `SELECT 1 FROM hook_call s WHERE s.id = h.findings_from AND s.received_at < h.received_at
  AND s.received_at >= $1::timestamptz
  AND s.issuer = h.issuer AND s.tenant IS NOT DISTINCT FROM h.tenant AND s.institution_id IS NOT DISTINCT FROM h.institution_id
  AND s.patient_id IS NOT DISTINCT FROM h.patient_id AND s.pregnancy_key IS NOT DISTINCT FROM h.pregnancy_key AND s.edd IS NOT DISTINCT FROM h.edd`;

/** Findings of hook calls received in the period, with their call's context. */
export function listFindings(sql: Sql, q: PeriodQuery): Promise<FindingRow[]> {
  return findingRows(sql, q, 'all');
}

/**
 * The findings QC's case facts are computed from (docs/design.md#qc-summary): every call's own, and
 * a reusing call's only when it differs from its source (`SAME_AS_SOURCE`). What is left out changes
 * no fact: the earliest finding of each rule and pregnancy, the first call and the institutions are
 * the source's, read with them, and the call is still a sighting (src/store/pregnancy-sightings.ts).
 */
export function listDistinctFindings(sql: Sql, q: PeriodQuery): Promise<FindingRow[]> {
  return findingRows(sql, q, 'differing');
}

function findingRows(sql: Sql, q: PeriodQuery, reused: 'all' | 'differing'): Promise<FindingRow[]> {
  return childRows(
    sql,
    q,
    'finding',
    'x.rule, x.rule_version, x.citation, x.evidence, x.params',
    (r, str) => ({
      ...compact({ rule: str(r.rule)!, ruleVersion: str(r.rule_version) ?? null, citation: str(r.citation)! }),
      evidence: r.evidence as string[],
      params: r.params as Record<string, unknown>,
    }),
    { reused },
  );
}

/** Rule errors of hook calls received in the period, with their call's context. */
export function listRuleErrors(sql: Sql, q: PeriodQuery): Promise<RuleErrorRow[]> {
  return childRows(sql, q, 'rule_error', 'x.rule, x.rule_version, x.citation, x.cause, x.error_class', (r) =>
    compact({
      rule: r.rule as string,
      ruleVersion: r.rule_version as string | null,
      citation: r.citation as string | null,
      cause: r.cause as string,
      errorClass: r.error_class as string | null,
    }),
  );
}

/** Undecided outcomes of hook calls received in the period, with their call's context. */
export function listUndecided(sql: Sql, q: PeriodQuery): Promise<UndecidedRow[]> {
  return childRows(sql, q, 'undecided', 'x.rule, x.rule_version, x.citation, x.reason, x.evidence', (r) => ({
    rule: r.rule as string,
    ruleVersion: r.rule_version as string,
    citation: r.citation as string,
    reason: r.reason as string,
    evidence: r.evidence as string[],
  }));
}

/**
 * Cards (with suggestions) of hook calls received in the period. With `clicked`, only those with
 * feedback: all QC's case facts read of a card is the clicks on its notice suggestion; as a
 * sighting it is its call again (src/store/pregnancy-sightings.ts).
 */
export async function listCards(sql: Sql, q: PeriodQuery, opts: { clicked?: boolean } = {}): Promise<CardRow[]> {
  const clicked = opts.clicked ? ' AND EXISTS (SELECT 1 FROM feedback fb WHERE fb.card_uuid = c.uuid)' : '';
  // Named women (the summary's fold): their calls by the patient index, then each one's cards by the
  // card key. As a join, the embedded store (no statistics: docs/design.md#planner-statistics)
  // scanned every card; a whole period's read keeps the join.
  const cards =
    q.patientIds === undefined
      ? 'card c JOIN hook_call h ON h.id = c.hook_call_id'
      : 'hook_call h CROSS JOIN LATERAL (SELECT * FROM card c WHERE c.hook_call_id = h.id OFFSET 0) c';
  const rows = await sql.query<Raw>(
    `SELECT ${CALL}, c.uuid, c.indicator, c.rules,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('uuid', s.uuid, 'kind', s.kind) ORDER BY s.uuid) FROM suggestion s
         WHERE s.hook_call_id = c.hook_call_id AND s.card_uuid = c.uuid), '[]'::jsonb) AS suggestions
     FROM ${cards}
     WHERE ${IN_PERIOD_OF('h.received_at', 'h.institution_id')}${clicked} ORDER BY h.received_at, h.id, c.uuid`,
    patientParams(q),
    REPORT,
  );
  const str = stringTable();
  return rows.map((r) => ({
    ...context(r, str),
    uuid: r.uuid as string,
    indicator: r.indicator as CardRecord['indicator'],
    rules: r.rules as string[],
    suggestions: r.suggestions as CardRecord['suggestions'],
  }));
}

/** Notices created in the period (without content). */
export async function listNotices(sql: Sql, q: PeriodQuery): Promise<NoticeRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT n.id, n.created_at, n.hash, n.patient_id, n.pregnancy_key, n.edd::text AS edd, n.institution_id, n.practitioner_id, n.rules,
       n.hook_call_id::text AS hook_call_id FROM notice n
     WHERE ${IN_PERIOD('n.created_at', 'n.institution_id')} ORDER BY n.created_at, n.id`,
    params(q),
    REPORT,
  );
  return rows.map((r) =>
    compact({
      id: r.id as string,
      createdAt: iso(r.created_at),
      hash: r.hash as string,
      patientId: r.patient_id as string,
      pregnancyKey: r.pregnancy_key as string | null,
      edd: r.edd as string | null,
      institutionId: r.institution_id as string | null,
      practitionerId: r.practitioner_id as string | null,
      rules: r.rules as string[],
      hookCallId: r.hook_call_id as string | null,
    }),
  );
}

/** Feedback received in the period; the institution filter applies to the hook call of the card. */
export async function listFeedback(sql: Sql, q: PeriodQuery): Promise<FeedbackRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT ${FEEDBACK}, ${CALL}
     FROM feedback fb LEFT JOIN LATERAL (SELECT c.hook_call_id FROM card c WHERE c.uuid = fb.card_uuid LIMIT 1) c ON true
     LEFT JOIN hook_call h ON h.id = c.hook_call_id
     WHERE ${IN_PERIOD('fb.received_at', 'h.institution_id')} ORDER BY fb.seq`,
    params(q),
    REPORT,
  );
  return rows.map(feedbackFromRow);
}

/**
 * The feedback received in the period on the cards `listCards` returns for the same query (the
 * cards of its calls: its institution, its patients): all a QC report uses of feedback is a click on
 * one of its own cards' suggestions. Read from those cards, so an institution's or a few women's
 * report reads their own feedback only, not every item of the province's window
 * (docs/design.md#qc-scale). Card uuids are drawn per card, so each item comes once.
 */
export async function listCardFeedback(sql: Sql, q: PeriodQuery): Promise<FeedbackRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT ${FEEDBACK}, ${CALL}
     FROM card c JOIN hook_call h ON h.id = c.hook_call_id JOIN feedback fb ON fb.card_uuid = c.uuid
     WHERE ${IN_PERIOD_OF('h.received_at', 'h.institution_id')}
       AND fb.received_at >= $1::timestamptz AND fb.received_at < $2::timestamptz
     ORDER BY fb.seq`,
    patientParams(q),
    REPORT,
  );
  return rows.map(feedbackFromRow);
}

function feedbackFromRow(r: Raw): FeedbackRow {
  return {
    ...(r.hook_call_id ? withoutCallTimes(context(r)) : {}),
    serviceId: r.feedback_service_id as FeedbackRecord['serviceId'],
    receivedAt: iso(r.feedback_received_at),
    issuer: r.issuer as string,
    item: r.item as Record<string, unknown>,
    cardUuid: r.card_uuid as string,
    outcome: r.outcome as string,
    outcomeTimestamp: iso(r.outcome_timestamp),
    dedupeKey: r.dedupe_key as string,
    acceptedSuggestions: (r.accepted_suggestions as { id?: unknown }[]).map((s) => String(s.id)),
  };
}

/** Acknowledgements signed in the period; the institution filter applies to the notice, as does `patientIds`. */
export async function listAcknowledgements(sql: Sql, q: PeriodQuery): Promise<AcknowledgementQueryRow[]> {
  const rows = await sql.query<AcknowledgementRow & Raw>(
    `SELECT ${ACK_COLUMNS}, n.patient_id, n.pregnancy_key, n.edd::text AS edd, n.institution_id,
       nh.issuer AS call_issuer, nh.tenant AS call_tenant FROM notice_acknowledgement a
     JOIN notice n ON n.id = a.notice_id LEFT JOIN hook_call nh ON nh.id = n.hook_call_id
     WHERE ${IN_PERIOD('a.signed_at', 'n.institution_id')} AND ${OF_PATIENTS('n.patient_id')} ORDER BY a.signed_at, a.id`,
    patientParams(q),
    REPORT,
  );
  return rows.map((r) => ({
    ...acknowledgementFromRow(r),
    ...compact({
      patientId: r.patient_id as string,
      issuer: r.call_issuer as string | null,
      tenant: r.call_tenant as string | null,
      pregnancyKey: r.pregnancy_key as string | null,
      edd: r.edd as string | null,
      institutionId: r.institution_id as string | null,
    }),
  }));
}
