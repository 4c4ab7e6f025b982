import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { hasNoValue, selectObservations } from '../../clinical/data-elements/observations.js';
import { riskN } from '../../clinical/data-elements/risk.js';
import type { EvidenceItem } from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';
import { labCall } from '../../referral/rules/screening-interpretation.js';

/** The serum risk tests (docs/rules.md#screening-high-risk elements) with their high-risk cut-offs (1/N). */
const RISK_TESTS: readonly { readonly element: string; readonly test: 't21' | 't18' | 't13'; readonly cutoff: (p: Policy) => number }[] = [
  { element: 'screening-t21', test: 't21', cutoff: (p) => p.SERUM_T21_CUTOFF },
  { element: 'screening-t18', test: 't18', cutoff: (p) => p.SERUM_T18_CUTOFF },
  { element: 'screening-t13', test: 't13', cutoff: (p) => p.SERUM_T13_CUTOFF },
];

export interface IntermediateRisk {
  readonly test: 't21' | 't18' | 't13';
  readonly riskN: number;
  readonly cutoffN: number;
  readonly lowerN: number;
  readonly item: EvidenceItem;
}

/**
 * Intermediate-risk serum results of this pregnancy (NIPT-2016: risk between the high-risk cut-off
 * and 1/1000): for each of T21/T18/T13 the latest usable result, when the lab did not call it high
 * risk, with 1/N where cutoff < N ≤ NIPT_INTERMEDIATE_LOWER (1/270 is high risk — screening-high-risk
 * —, 1/271 and 1/1000 are intermediate, 1/1001 is not). A lab "low risk" call does not hide an
 * intermediate number (the call is about the high-risk cut-off); a lab "intermediate" call
 * (临界风险) needs a readable number in that range (docs/rules.md#lab-call): without one, or with
 * 1/N beyond 1/1000, it is reported. A high call, or a lab record that contradicts itself, is left
 * to screening-high-risk. An unreadable latest number without a call is reported as unusable.
 */
export function intermediateRisks(ctx: ReadContext, policy: Policy): { hits: IntermediateRisk[]; unusable: Unusable[] } {
  const hits: IntermediateRisk[] = [];
  const unusable: Unusable[] = [];
  for (const spec of RISK_TESTS) {
    const sel = selectObservations(ctx, spec.element, true);
    unusable.push(...sel.unusable);
    const latest = sel.usable.find((ev) => !hasNoValue(ev.resource));
    if (!latest) continue;
    const call = labCall(latest.resource, ctx);
    // A high call, or a record that contradicts itself, is screening-high-risk's to decide or report.
    if (call?.call === 'high' || call?.call === 'conflict') continue;
    const n = riskN(latest.resource);
    if (!n.ok) {
      if (call === undefined) unusable.push({ reference: latest.reference, reason: n.reason });
      else if (call.call === 'intermediate')
        unusable.push({ reference: latest.reference, reason: `intermediate-risk call without a readable 1/N risk: ${n.reason}` });
      continue;
    }
    const cutoffN = spec.cutoff(policy);
    const lowerN = policy.NIPT_INTERMEDIATE_LOWER;
    if (n.value <= cutoffN) continue; // high by the number: screening-high-risk (a low or intermediate call there is a disagreement)
    if (n.value > lowerN) {
      if (call?.call === 'intermediate')
        unusable.push({
          reference: latest.reference,
          reason: `lab call and value disagree: the lab calls it intermediate risk, the value is 1/${n.value} (below 1/${lowerN})`,
        });
      continue;
    }
    const item = evidenceItem(latest.reference, {
      date: latest.date,
      code: latest.resource.code?.coding?.[0],
      value: n.value,
      unit: '1/N',
      text: latest.resource.valueString,
    });
    hits.push({ test: spec.test, riskN: n.value, cutoffN, lowerN, item });
  }
  return { hits, unusable };
}

/** Serum screening elements whose presence means "screened this pregnancy". */
const SERUM_ELEMENTS = ['screening-t21', 'screening-t18', 'screening-t13', 'afp-mom'] as const;

/**
 * Whether a serum screening result of this pregnancy is on file: any usable (final-like, or
 * preliminary when no final) T21/T18/T13 risk or AFP MoM Observation dated in this pregnancy that
 * carries a value or an interpretation. Returns the references found.
 */
export function serumScreeningResults(ctx: ReadContext): string[] {
  const refs: string[] = [];
  for (const element of SERUM_ELEMENTS) {
    for (const ev of selectObservations(ctx, element, true).usable) {
      if (!hasNoValue(ev.resource) || (ev.resource.interpretation?.length ?? 0) > 0) refs.push(ev.reference);
    }
  }
  return refs;
}
