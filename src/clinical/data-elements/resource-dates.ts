import type { Condition, DiagnosticReport, Observation, Period } from '@medplum/fhirtypes';
import { parseFhirDate, type ClinicalDate } from '../../calendar/index.js';
import { memoOn } from './memo.js';

/**
 * The clinically relevant date of a piece of evidence. `invalid` means a date was written but is
 * not a real date (bad data); `date` undefined and `invalid` false means undated.
 */
export interface EvidenceDate {
  readonly date?: ClinicalDate;
  readonly invalid: boolean;
}

function fromRaw(raw: unknown, timeZone: string): EvidenceDate | undefined {
  if (raw === undefined || raw === null) return undefined;
  const date = parseFhirDate(raw, timeZone);
  return date ? { date, invalid: false } : { invalid: true };
}

function fromPeriod(p: Period | undefined, timeZone: string, prefer: 'start' | 'end'): EvidenceDate | undefined {
  if (!p) return undefined;
  return prefer === 'end' ? fromRaw(p.end ?? p.start, timeZone) : fromRaw(p.start ?? p.end, timeZone);
}

const UNDATED: EvidenceDate = Object.freeze({ invalid: false });

/** Memoised dates are shared by every reader of the request: frozen, so none can alter another's. */
function frozen(ed: EvidenceDate): EvidenceDate {
  if (ed.date) Object.freeze(ed.date);
  return Object.freeze(ed);
}

/** Observation / DiagnosticReport: effective[x] (a period by its end), else `issued`. Memoised per frozen resource. */
export function observationDate(r: Observation | DiagnosticReport, timeZone: string): EvidenceDate {
  return memoOn(r, `observationDate|${timeZone}`, () =>
    frozen(
      fromRaw(r.effectiveDateTime, timeZone) ??
        fromPeriod(r.effectivePeriod, timeZone, 'end') ??
        fromRaw((r as Observation).effectiveInstant, timeZone) ??
        fromRaw(r.issued, timeZone) ??
        UNDATED,
    ),
  );
}

/** Condition: onset (dateTime, period start), else `recordedDate`. Memoised per frozen resource. */
export function conditionDate(c: Condition, timeZone: string): EvidenceDate {
  return memoOn(c, `conditionDate|${timeZone}`, () =>
    frozen(
      fromRaw(c.onsetDateTime, timeZone) ?? fromPeriod(c.onsetPeriod, timeZone, 'start') ?? fromRaw(c.recordedDate, timeZone) ?? UNDATED,
    ),
  );
}

/** Epoch ms of `issued` for tie-breaking (0 when absent or invalid). */
export function issuedMs(r: { issued?: string }): number {
  const ms = parseFhirDate(r.issued, 'UTC') ? Date.parse(r.issued as string) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
