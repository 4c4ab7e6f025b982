import type { CodeableConcept, Coding, Medication, MedicationRequest, MedicationStatement, Period } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { medicationCodes } from '../../clinical/data-elements/concepts.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import { SYSTEMS } from '../../clinical/codes.js';
import { fromDayNumber, parseFhirDate, toDayNumber, type DayNumber } from '../../calendar/index.js';

/** A teratogen medication whose period of use overlaps the window, or ended before it within its washout. */
export interface MedicationHit {
  readonly reference: string;
  readonly coding: Coding;
  /** Period start as written (FHIR date/dateTime). */
  readonly date?: string;
  readonly text?: string;
  /** Use ended before the window: when (as written), the medication's washout and the days between. */
  readonly washout?: { readonly stopped: string; readonly days: number; readonly daysBeforeWindow: number };
}

const STATEMENT_EXCLUDED = new Set(['entered-in-error', 'not-taken', 'intended']);
const REQUEST_EXCLUDED = new Set(['entered-in-error', 'cancelled', 'draft']);
const REQUEST_INTENT_EXCLUDED = new Set(['proposal', 'plan']);

type Span = { start: DayNumber; end: DayNumber; startRaw?: string; endRaw?: string } | 'invalid' | undefined;

/** A period, widest reading (partial dates span their whole month/year): "possible" exposure. */
function spanOf(p: Period | undefined, ctx: ReadContext): Span {
  if (!p || (p.start === undefined && p.end === undefined)) return undefined;
  const s = p.start === undefined ? undefined : parseFhirDate(p.start, ctx.timeZone);
  const e = p.end === undefined ? undefined : parseFhirDate(p.end, ctx.timeZone);
  if ((p.start !== undefined && !s) || (p.end !== undefined && !e)) return 'invalid';
  // Open start: since ever; open end: ongoing (until today).
  return {
    start: s?.first ?? Number.MIN_SAFE_INTEGER,
    end: e?.last ?? ctx.today,
    ...(p.start ? { startRaw: p.start } : {}),
    ...(p.end ? { endRaw: p.end } : {}),
  };
}

function daySpan(raw: string | undefined, ctx: ReadContext, days = 0): Span {
  if (raw === undefined) return undefined;
  const d = parseFhirDate(raw, ctx.timeZone);
  return d ? { start: d.first, end: d.last + days, startRaw: raw, ...(days === 0 ? { endRaw: raw } : {}) } : 'invalid';
}

function supplyDays(r: MedicationRequest): number {
  const q = r.dispenseRequest?.expectedSupplyDuration;
  if (!q || typeof q.value !== 'number' || q.value <= 0) return 0;
  const unit = q.code ?? q.unit;
  return unit === 'd' ? Math.ceil(q.value) : unit === 'wk' ? Math.ceil(q.value * 7) : 0;
}

function medicationConcepts(r: MedicationStatement | MedicationRequest, ctx: ReadContext): readonly CodeableConcept[] {
  const direct = medicationCodes(r);
  const ref = r.medicationReference?.reference;
  const med = ref ? (ctx.snapshot.byReference(ref) as Medication | undefined) : undefined;
  return med?.code ? [...direct, med.code] : direct;
}

/** The washout (days) of a medication coding: `washoutDays` by ATC code, 0 for other systems or codes. */
function washoutOf(coding: Coding, washoutDays: Readonly<Record<string, number>>): number {
  if (coding.system !== SYSTEMS.atc || typeof coding.code !== 'string') return 0;
  return washoutDays[coding.code.trim().toUpperCase()] ?? 0;
}

/**
 * MedicationStatement / MedicationRequest with a `teratogen-medication` code whose period of use
 * overlaps [windowStart, windowEnd], or ended before windowStart by at most the medication's washout
 * (`washoutDays` by ATC code; docs/rules.md#teratogen-exposure). Statements: effective[x] (open end = ongoing). Requests
 * (intent order-like, not proposal/plan; not doNotPerform): dispenseRequest.validityPeriod, else the
 * first dosage boundsPeriod, else authoredOn + expectedSupplyDuration (d/wk). Undated or invalid
 * dates are reported unusable.
 */
export function teratogenMedications(
  ctx: ReadContext,
  windowStart: string,
  windowEnd: string,
  washoutDays: Readonly<Record<string, number>> = {},
): { hits: MedicationHit[]; unusable: Unusable[] } {
  const ws = toDayNumber(windowStart)!;
  const we = toDayNumber(windowEnd)!;
  const hits: MedicationHit[] = [];
  const unusable: Unusable[] = [];
  const check = (r: MedicationStatement | MedicationRequest, span: Span) => {
    const coding = medicationConcepts(r, ctx)
      .map((c) => ctx.matcher.matchingCoding('teratogen-medication', c))
      .find((c) => c);
    if (!coding) return;
    if (span === undefined) return void unusable.push({ reference: refOf(r), reason: 'medication period unknown' });
    if (span === 'invalid') return void unusable.push({ reference: refOf(r), reason: 'invalid date' });
    const washout = washoutOf(coding, washoutDays);
    if (span.start > we || span.end < ws - washout) return;
    const text = r.medicationCodeableConcept?.text;
    const date = span.startRaw ?? (span.start > Number.MIN_SAFE_INTEGER ? fromDayNumber(span.start) : undefined);
    const stoppedBefore =
      span.end < ws ? { washout: { stopped: span.endRaw ?? fromDayNumber(span.end), days: washout, daysBeforeWindow: ws - span.end } } : {};
    hits.push({ reference: refOf(r), coding, ...(date ? { date } : {}), ...(text ? { text } : {}), ...stoppedBefore });
  };
  for (const s of ctx.snapshot.ofType('MedicationStatement')) {
    if (!isAboutPatient(s, ctx.snapshot.patientId) || STATEMENT_EXCLUDED.has(s.status)) continue;
    check(s, spanOf(s.effectivePeriod, ctx) ?? daySpan(s.effectiveDateTime, ctx));
  }
  for (const r of ctx.snapshot.ofType('MedicationRequest')) {
    if (
      !isAboutPatient(r, ctx.snapshot.patientId) ||
      REQUEST_EXCLUDED.has(r.status) ||
      REQUEST_INTENT_EXCLUDED.has(r.intent) ||
      r.doNotPerform
    )
      continue;
    const bounds = r.dosageInstruction?.find((d) => d.timing?.repeat?.boundsPeriod)?.timing?.repeat?.boundsPeriod;
    check(r, spanOf(r.dispenseRequest?.validityPeriod, ctx) ?? spanOf(bounds, ctx) ?? daySpan(r.authoredOn, ctx, supplyDays(r)));
  }
  return { hits, unusable };
}
