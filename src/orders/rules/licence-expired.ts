import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { selectLicence } from '../select-credential.js';

/**
 * `licence-expired` (critical) — ZJ-2023 Art.13 (licence verified every 3 years by the issuing
 * authority; NHC-2021 §1, §4 keep verification under the unified special-technique licensing).
 * Fires for the licence that covers the technique when its period ended before today
 * (`period-ended`), its dates are unreadable (`validity-unusable`), or its last verification — else
 * its issue date — is more than `LICENCE_VERIFICATION_YEARS` ago (`verification-overdue`; exactly
 * 3 years is on time), unknown (`verification-unknown`) or unreadable (`verification-unusable`).
 */
export const licenceExpired: OrderRule = {
  id: 'licence-expired',
  version: '1.0.0',
  title: { 'zh-CN': '母婴保健技术服务执业许可证过期或逾期未校验', en: 'Institution licence expired or verification overdue' },
  citation: { zj: 'ZJ-2023 Art.13', national: 'NHC-2021 §1, §4' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'ordering-organization', 'institution-licences'],
  indicator: 'critical',
  scope: 'technique',
  evaluate({ facts, policy, now }) {
    const req = facts.requirement;
    if (!req) return { status: 'not-applicable', reason: 'no technique requirement' };
    const sel = selectLicence(facts.context, req.acceptable, policy, now.today);
    if (sel.kind !== 'found' || sel.state === 'not-yet-valid') return NOT_FIRED;
    const v = sel.verification;
    let reason: string | undefined;
    if (sel.state === 'expired') reason = 'period-ended';
    else if (sel.state === 'validity-unusable') reason = 'validity-unusable';
    else if (v.status !== 'on-time') reason = `verification-${v.status}`;
    if (!reason) return NOT_FIRED;
    const l = sel.licence;
    return fired(licenceExpired, evidence(facts, 'licence'), {
      ...baseParams(facts, 'licence'),
      reason,
      source: sel.source,
      licenceNumber: l.number,
      validFrom: l.validFrom,
      validTo: l.validTo,
      lastVerified: l.lastVerified,
      verificationYears: policy.LICENCE_VERIFICATION_YEARS,
      verificationDueBy: v.status === 'overdue' || v.status === 'on-time' ? v.dueBy : undefined,
      verificationReference: v.status === 'overdue' || v.status === 'on-time' ? v.referenceKind : undefined,
      verifiedOn: v.status === 'overdue' || v.status === 'on-time' ? v.reference : v.status === 'unusable' ? v.raw : undefined,
      today: now.today,
    });
  },
};
