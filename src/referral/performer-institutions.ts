import type { DiagnosticReport, PractitionerRole } from '@medplum/fhirtypes';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Policy } from '../clinical/policy.js';
import { abnormalDiagnosisReports } from '../clinical/data-elements/prenatal-diagnosis-report.js';
import { matcherFor } from '../clinical/value-sets/matcher.js';
import { relativeReference } from '../fhir/references.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';
import { lookUpCooperationPartner, type CooperationPartner } from '../orders/cooperation-partner.js';
import type { RegistryStore } from '../orders/credential-records.js';

/**
 * The institution that performed a prenatal-diagnosis report, as the sources know it
 * (docs/rules.md#abnormal-result-notice): the role first stated in CERTIFICATE_SOURCE_ORDER by the
 * provincial registry (found by the Organization's business keys, then id) or the record's
 * Organization (`mch-institution-role`); `none` when a source knows it without a role; `unknown`,
 * with why, when no source knows it.
 */
export type PerformerInstitution = Pick<CooperationPartner, 'role' | 'roleSource' | 'name' | 'unverified' | 'registryUnavailable'>;

/** `Organization/<id>` → what the sources say of it, for the performers of the reports that could fire. */
export type PerformerInstitutions = ReadonlyMap<string, PerformerInstitution>;

/** The facts the referral rules get: the pregnancy's, and the performers' loaded before the rules run. */
export interface ReferralFacts extends PregnancyFacts {
  /** Absent when nothing was loaded (no registry): the rule reads the record's Organization alone. */
  readonly performers?: PerformerInstitutions;
}

/**
 * The Organization references a report's performers stand for: itself, or a PractitionerRole's
 * organization in the record (`organizations`); `roles`: the PractitionerRoles whose organization the
 * record does not give (the role itself not in the record, or without an organization).
 */
export function performerOrganizationRefs(
  snapshot: PatientSnapshot,
  r: DiagnosticReport,
): { readonly organizations: string[]; readonly roles: string[] } {
  const organizations: string[] = [];
  const roles: string[] = [];
  for (const p of Array.isArray(r.performer) ? r.performer : []) {
    const rel = relativeReference(p);
    if (rel?.startsWith('Organization/')) organizations.push(rel);
    else if (rel?.startsWith('PractitionerRole/')) {
      const role = snapshot.byReference(rel) as PractitionerRole | undefined;
      const org = relativeReference(role?.organization);
      if (org?.startsWith('Organization/')) organizations.push(org);
      else roles.push(rel);
    }
  }
  return { organizations: [...new Set(organizations)], roles };
}

/**
 * Loads, once per call before the rules run (docs/conventions.md#pure-core), the institution of
 * each performer of the reports that could fire `abnormal-result-notice` (the most recent few:
 * `abnormalDiagnosisReports`), from the registry and the record, the way the NIPT pathway judges a
 * cooperation partner (../orders/cooperation-partner.ts). No such report: no registry call. Never
 * throws: a failing registry leaves the record to decide (`registryUnavailable`).
 */
export async function loadPerformerInstitutions(
  snapshot: PatientSnapshot,
  registry: Pick<RegistryStore, 'findOrganization'>,
  policy: Policy,
): Promise<PerformerInstitutions> {
  const out = new Map<string, PerformerInstitution>();
  for (const report of abnormalDiagnosisReports(snapshot, matcherFor(policy))) {
    for (const ref of performerOrganizationRefs(snapshot, report).organizations) {
      if (out.has(ref)) continue;
      const found = await lookUpCooperationPartner(snapshot, ref.slice('Organization/'.length), [], registry, policy);
      out.set(ref, {
        role: found.role,
        ...(found.roleSource ? { roleSource: found.roleSource } : {}),
        ...(found.name ? { name: found.name } : {}),
        ...(found.unverified ? { unverified: found.unverified } : {}),
        registryUnavailable: found.registryUnavailable,
      });
    }
  }
  return out;
}
