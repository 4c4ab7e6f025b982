import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { unresolvedReason } from '../../clinical/ordering-context.js';
import { selectLicence } from '../select-credential.js';

/**
 * `licence-missing` (critical) — ZJ-2023 Art.3, 10, 17: a special technique may only be performed
 * at an institution whose 《母婴保健技术服务执业许可证》 lists it (certificate holders work only at
 * licensed institutions, Art.17). Reasons: `technique-not-licensed` (licences exist, none lists the
 * technique), `no-licence`, `not-yet-valid`; "could not verify" (insufficient data, no finding) when neither the
 * PractitionerRole nor the Encounter's serviceProvider gives an institution we have data for, or
 * when the organization (or the user's PractitionerRole) could not be fetched.
 */
export const licenceMissing: OrderRule = {
  id: 'licence-missing',
  version: '1.0.0',
  title: { 'zh-CN': '机构母婴保健技术服务执业许可证未载明该技术', en: "Institution's licence does not cover the technique" },
  citation: { zj: 'ZJ-2023 Art.3, 10, 17' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'ordering-organization', 'institution-licences'],
  indicator: 'critical',
  scope: 'technique',
  evaluate({ facts, policy, now }) {
    const req = facts.requirement;
    if (!req) return { status: 'not-applicable', reason: 'no technique requirement' };
    const sel = selectLicence(facts.context, req.acceptable, policy, now.today);
    const base = baseParams(facts, 'licence');
    const ev = evidence(facts, 'licence');
    const unresolved = facts.context.organizationUnresolved;
    if (unresolved && (sel.kind !== 'found' || sel.state === 'not-yet-valid')) {
      // The organization (or the user's PractitionerRole naming it) could not be fetched: not a missing licence.
      return { status: 'insufficient-data', reason: unresolvedReason(unresolved), evidence: [...new Set([...ev, unresolved.reference])] };
    }
    if (sel.kind === 'organization-unknown') {
      // Nothing known about the institution: the licence could not be verified — not a missing licence.
      const org = facts.context.organizationId ? `Organization/${facts.context.organizationId}` : 'the ordering institution (not resolved)';
      return {
        status: 'insufficient-data',
        reason: `could not verify: no licence data found for ${org}${facts.context.registryUnavailable ? ' (registry unavailable)' : ''}`,
        evidence: ev,
      };
    }
    if (sel.kind === 'none') {
      return fired(licenceMissing, ev, {
        ...base,
        reason: sel.licenceNumbers.length > 0 ? 'technique-not-licensed' : 'no-licence',
        source: 'none',
        consulted: sel.consulted,
        licenceNumbers: sel.licenceNumbers.length > 0 ? sel.licenceNumbers : undefined,
      });
    }
    if (sel.state === 'not-yet-valid') {
      return fired(licenceMissing, ev, {
        ...base,
        reason: 'not-yet-valid',
        source: sel.source,
        licenceNumber: sel.licence.number,
        validFrom: sel.licence.validFrom,
      });
    }
    return NOT_FIRED;
  },
};
