import { BOTH_HOOKS, CLINICAL_CITATION, NIPT_RULE_VERSION, NIPT_SERVICES, niptFired, type NiptRule } from './common.js';
import { DATING_INPUTS, niptWindow } from './ga-params.js';

/**
 * `nipt-ga-unknown` (warning) — no EDD / GA can be derived (docs/rules.md#best-edd), so the NIPT window
 * (12+0–22+6) cannot be checked. ZJ-2023 Art.28; NIPT-2016. `params.reason`: `not-currently-pregnant`
 * (no evidence of a current pregnancy at all) or `no-dating` (pregnant, but undated).
 */
export const niptGaUnknownRule: NiptRule = {
  id: 'nipt-ga-unknown',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '孕周无法确定', en: 'Gestational age unknown' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: [...DATING_INPUTS, 'pregnancy-status', 'pregnancy-condition', 'pregnancy-episode'],
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate({ facts, policy, snapshot }) {
    const p = facts.pregnancy;
    if (p.gaDays !== undefined) return { status: 'not-fired' };
    const w = niptWindow(policy);
    const reason = p.current ? 'no-dating' : 'not-currently-pregnant';
    return niptFired('nipt-ga-unknown', CLINICAL_CITATION, { reason, window: w, items: [] }, [
      ...p.currentEvidence,
      `Patient/${snapshot.patientId}`,
    ]);
  },
};
