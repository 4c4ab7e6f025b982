import { unresolvedReason } from '../../clinical/ordering-context.js';
import { institutionStatus } from '../institution-status.js';
import { BOTH_HOOKS, INSTITUTION_CITATION, NIPT_RULE_VERSION, NIPT_SERVICES, niptFired, type NiptRule } from './common.js';

/**
 * `nipt-institution-not-authorized` (critical) — the ordering organization may not provide NIPT:
 * it must be a prenatal-diagnosis institution, or a prenatal-screening institution with a current
 * NIPT cooperation agreement with one. ZJ-2023 Art.29 (screening institutions collect blood only
 * under a cooperation with a diagnosis institution), Art.37 (only diagnosis institutions report).
 * Decision details (partner lookup, "current") in ../institution-status.ts; data from the
 * registry and the EHR (mch-institution-role, nipt-cooperation) in CERTIFICATE_SOURCE_ORDER.
 * `params.reason` says which condition failed. An institution that cannot be resolved or that no
 * source knows is "could not verify" (`insufficient-data`), never a finding; so is a refusal while
 * the organization (or the user's PractitionerRole) could not be fetched, and a screening
 * institution whose decision rests on a cooperation partner no source knows (the reason names the
 * partner and why).
 */
export const niptInstitutionNotAuthorizedRule: NiptRule = {
  id: 'nipt-institution-not-authorized',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '开单机构不具备开展NIPT的资质或合作关系', en: 'Ordering institution not authorised to provide NIPT' },
  citation: INSTITUTION_CITATION,
  services: NIPT_SERVICES,
  inputs: ['mch-institution-role', 'nipt-cooperation'],
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate({ facts, now }) {
    const inst = facts.institution;
    const status = institutionStatus(inst, now);
    if (status.authorized === true) return { status: 'not-fired' };
    // The organization (or the user's PractitionerRole naming it) could not be fetched: a refusal
    // cannot be verified (docs/design.md#reference-fetch).
    if (inst.unresolved) return { status: 'insufficient-data', reason: unresolvedReason(inst.unresolved), evidence: inst.evidence };
    // The decision needs a cooperation partner no source knows: could not verify, never a finding.
    if (status.authorized === null) {
      const partners = status.partners.map((p) => `Organization/${p.partnerOrganizationId}`);
      return {
        status: 'insufficient-data',
        reason: `could not verify: the NIPT cooperation partner of Organization/${status.organizationId}, ${status.partners
          .map((p) => `Organization/${p.partnerOrganizationId}: ${p.why}`)
          .join(' | ')}`,
        evidence: [...new Set([...inst.evidence, ...partners])],
        params: { reason: status.reason, partners: status.partners },
      };
    }
    // The institution could not be resolved or is known to no source: could not verify, never "not authorised".
    if (status.reason === 'organization-unresolved' || status.reason === 'organization-unknown') {
      const org = status.organizationId ? `Organization/${status.organizationId}` : 'the ordering institution (not resolved)';
      return {
        status: 'insufficient-data',
        reason: `could not verify: no institution data found for ${org}${inst.registryUnavailable ? ' (registry unavailable)' : ''}`,
        evidence: inst.evidence,
      };
    }
    const { authorized: _a, ...rest } = status;
    return niptFired(
      'nipt-institution-not-authorized',
      INSTITUTION_CITATION,
      {
        ...rest,
        cooperations: inst.cooperations,
        registryUnavailable: inst.registryUnavailable,
        ...(inst.registryMatch ? { registryMatch: inst.registryMatch } : {}),
        items: [],
      },
      inst.evidence,
    );
  },
};
