import type { ClinicalNow } from '../clock.js';
import { cooperationCurrent } from '../orders/cooperation-partner.js';
import type { InstitutionFacts } from './facts.js';

/**
 * Whether the ordering institution may provide NIPT (ZJ-2023 Art.28, 29, 37): a prenatal-diagnosis
 * institution may; a prenatal-screening institution may (blood collection, counselling, follow-up)
 * only with a current NIPT cooperation agreement whose partner is a prenatal-diagnosis institution;
 * any other organization may not.
 *
 * Decisions the regulations leave open:
 * - "current": the agreement period covers today (absent start / end = open; a partial date counts
 *   by its widest reading; an unreadable date makes the agreement not current);
 * - the partner is checked in the snapshot (read by reference when the EHR left it out) and the
 *   registry (by its business keys, then id). A partner known there with another role (or none)
 *   does not count. A partner no source knows — the EHR could not serve it and the registry does
 *   not know it, or is unavailable — cannot be verified: when no current agreement's partner is
 *   verified and one is unknown, the status is undecided (`authorized: null`,
 *   `partner-unverified`, each such partner with why) — never authorised, never refused;
 * - an agreement without a partner reference does not count.
 */
export type InstitutionStatus =
  | { readonly authorized: true; readonly via: 'role'; readonly organizationId: string }
  | {
      readonly authorized: true;
      readonly via: 'cooperation';
      readonly organizationId: string;
      readonly partnerOrganizationId: string;
      /** The source that stated the partner's prenatal-diagnosis role. */
      readonly partnerVerifiedBy?: 'registry' | 'ehr';
      readonly validTo?: string;
    }
  | {
      /** Could not verify: the decision needs a partner no source knows. */
      readonly authorized: null;
      readonly reason: 'partner-unverified';
      readonly organizationId: string;
      readonly role: string;
      readonly partners: readonly { readonly partnerOrganizationId: string; readonly why: string }[];
    }
  | {
      readonly authorized: false;
      readonly reason:
        | 'organization-unresolved'
        | 'organization-unknown'
        | 'no-role'
        | 'no-cooperation'
        | 'cooperation-not-current'
        | 'partner-not-diagnosis-institution';
      readonly organizationId?: string;
      readonly role?: string;
    };

export function institutionStatus(inst: InstitutionFacts, now: ClinicalNow): InstitutionStatus {
  const id = inst.organizationId;
  if (!id) return { authorized: false, reason: 'organization-unresolved' };
  if (!inst.known) return { authorized: false, reason: 'organization-unknown', organizationId: id };
  if (inst.role === 'prenatal-diagnosis-institution') return { authorized: true, via: 'role', organizationId: id };
  if (inst.role !== 'prenatal-screening-institution') return { authorized: false, reason: 'no-role', organizationId: id };
  const role = inst.role;
  const withPartner = inst.cooperations.filter((c) => c.partnerOrganizationId);
  if (withPartner.length === 0) return { authorized: false, reason: 'no-cooperation', organizationId: id, role };
  const current = withPartner.filter((c) => cooperationCurrent(c, now.today));
  if (current.length === 0) return { authorized: false, reason: 'cooperation-not-current', organizationId: id, role };
  const verified = current.find((c) => c.partnerRole === 'prenatal-diagnosis-institution');
  if (verified)
    return {
      authorized: true,
      via: 'cooperation',
      organizationId: id,
      partnerOrganizationId: verified.partnerOrganizationId!,
      ...(verified.partnerRoleSource ? { partnerVerifiedBy: verified.partnerRoleSource } : {}),
      ...(verified.validTo ? { validTo: verified.validTo } : {}),
    };
  const unknown = current.filter((c) => c.partnerRole === 'unknown');
  if (unknown.length > 0)
    return {
      authorized: null,
      reason: 'partner-unverified',
      organizationId: id,
      role,
      partners: [
        ...new Map(
          unknown.map((c) => [
            c.partnerOrganizationId!,
            {
              partnerOrganizationId: c.partnerOrganizationId!,
              why: c.partnerUnverified ?? 'known to no source',
            },
          ]),
        ).values(),
      ],
    };
  return { authorized: false, reason: 'partner-not-diagnosis-institution', organizationId: id, role };
}
