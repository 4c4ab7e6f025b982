import type { ClinicalNow } from '../../clock.js';
import type { RuleOutcome } from '../../engine/rule.js';
import type { PatientSnapshot } from '../../fhir/snapshot.js';
import { toDayNumber, type DayNumber } from '../../calendar/index.js';
import type { Policy } from '../policy.js';
import { matcherFor, type ValueSetMatcher } from '../value-sets/matcher.js';

/**
 * What a data-element reader needs: the data, the compiled value sets, the clinic day, and the
 * start of the current pregnancy (evidence of pregnancy-specific elements dated before it belongs to
 * a previous pregnancy and is ignored).
 */
export interface ReadContext {
  readonly snapshot: PatientSnapshot;
  readonly matcher: ValueSetMatcher;
  readonly timeZone: string;
  readonly today: DayNumber;
  /** First day of the current pregnancy (its LMP, or the fallback scope start); undefined = unscoped. */
  readonly scopeStart?: DayNumber;
}

export function readContext(snapshot: PatientSnapshot, policy: Policy, now: ClinicalNow, scopeStart?: string): ReadContext {
  const today = toDayNumber(now.today);
  if (today === undefined) throw new RangeError(`now.today is not a calendar day: ${now.today}`);
  const start = scopeStart === undefined ? undefined : toDayNumber(scopeStart);
  return { snapshot, matcher: matcherFor(policy), timeZone: now.timeZone, today, ...(start === undefined ? {} : { scopeStart: start }) };
}

/** Evidence that exists but cannot be used, reported rather than guessed. */
export interface Unusable {
  readonly reference: string;
  readonly reason: string;
}

/**
 * A rule's outcome when it found nothing: not fired — unless some evidence could not be read, in
 * which case the silence is explained ("could not decide", with the unreadable records as evidence).
 */
export function notFiredOrInsufficient(unusable: readonly Unusable[]): RuleOutcome {
  if (unusable.length === 0) return { status: 'not-fired' };
  return {
    status: 'insufficient-data',
    reason: `unusable evidence: ${unusable.map((u) => `${u.reference} (${u.reason})`).join('; ')}`,
    evidence: [...new Set(unusable.map((u) => u.reference).filter((r) => r !== ''))],
    params: { unusable },
  };
}
