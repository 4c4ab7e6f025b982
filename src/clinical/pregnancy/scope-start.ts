import type { ClinicalNow } from '../../clock.js';
import { addDays } from '../../calendar/index.js';
import type { PregnancyFacts } from '../finding-params.js';
import type { Policy } from '../policy.js';

/**
 * First day of the current pregnancy for scoping pregnancy-specific evidence: its LMP; when the
 * pregnancy is known (status, condition, episode) but cannot be dated, today − PREGNANCY_STATUS_DAYS
 * (300 d: no current pregnancy can have begun earlier) — a documented fallback (docs/rules.md#pregnancy-scope).
 */
export function pregnancyScopeStart(facts: PregnancyFacts, policy: Policy, now: ClinicalNow): string {
  return facts.lmp ?? addDays(now.today, -policy.PREGNANCY_STATUS_DAYS);
}
