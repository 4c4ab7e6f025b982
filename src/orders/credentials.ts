import type { Extension, Organization, Practitioner } from '@medplum/fhirtypes';
import { EXTENSIONS, MCH_TECHNIQUE_CODES, SYSTEMS, type MchTechnique } from '../clinical/codes.js';
import {
  CERTIFICATE_TYPES,
  INSTITUTION_ROLES,
  type CertificateRecord,
  type CertificateType,
  type InstitutionRole,
  type LicenceRecord,
  type NiptCooperation,
  type OrganizationCredentials,
} from './credential-records.js';
import { idOf, nameText } from '../fhir/references.js';

/**
 * Reads certificate and licence data from the FHIR shapes of docs/rules.md#credential-data (profiles
 * `mch-practitioner`, `mch-organization`): Practitioner.qualification (one per technique, ZJ-2023
 * Art.15) and Organization extensions `mch-licence` (Art.3, 10-13), `mch-institution-role` and
 * `nipt-cooperation` (Art.29, 37). Lenient: a malformed element is skipped and described in
 * `problems` (data, never an exception). Dates are kept as written; the rules judge them.
 */
export interface Parsed<T> {
  readonly value: T;
  readonly problems: readonly string[];
}

function isTechnique(code: unknown): code is MchTechnique {
  return typeof code === 'string' && (MCH_TECHNIQUE_CODES as readonly string[]).includes(code);
}

function ext(list: readonly Extension[] | undefined, url: string): Extension[] {
  return (list ?? []).filter((e) => e.url === url);
}

/** Certificates of a Practitioner (qualifications coded in `mch-technique`; others are ignored). */
export function certificatesFromPractitioner(p: Practitioner): Parsed<CertificateRecord[]> {
  const out: CertificateRecord[] = [];
  const problems: string[] = [];
  const practitionerId = p.id ?? '';
  (p.qualification ?? []).forEach((q, i) => {
    const codings = (q.code?.coding ?? []).filter((c) => c.system === SYSTEMS.mchTechnique);
    if (codings.length === 0) return;
    const type = ext(q.extension, EXTENSIONS.mchCertificateType)[0]?.valueCode;
    if (type !== undefined && !(CERTIFICATE_TYPES as readonly string[]).includes(type)) {
      problems.push(`qualification[${i}]: unknown certificate type "${type}"`);
    }
    const lastTraining = ext(q.extension, EXTENSIONS.mchLastTraining)[0];
    for (const c of codings) {
      if (!isTechnique(c.code)) {
        problems.push(`qualification[${i}]: unknown technique "${String(c.code)}"`);
        continue;
      }
      out.push({
        practitionerId,
        technique: c.code,
        ...(q.identifier?.[0]?.value ? { number: q.identifier[0].value } : {}),
        ...((CERTIFICATE_TYPES as readonly string[]).includes(type ?? '') ? { type: type as CertificateType } : {}),
        ...(q.issuer?.display || q.issuer?.reference ? { issuer: (q.issuer.display ?? q.issuer.reference)! } : {}),
        ...(q.period?.start ? { validFrom: q.period.start } : {}),
        ...(q.period?.end ? { validTo: q.period.end } : {}),
        ...((lastTraining?.valueDate ?? lastTraining?.valueDateTime)
          ? { lastTraining: (lastTraining.valueDate ?? lastTraining.valueDateTime)! }
          : {}),
      });
    }
  });
  return { value: out, problems };
}

function licenceFrom(e: Extension, organizationId: string, i: number, problems: string[]): LicenceRecord | undefined {
  const parts = e.extension ?? [];
  const number = parts.find((x) => x.url === 'number')?.valueString?.trim();
  const techniques: MchTechnique[] = [];
  for (const t of parts.filter((x) => x.url === 'technique')) {
    const code = t.valueCoding?.code;
    if (t.valueCoding?.system === SYSTEMS.mchTechnique && isTechnique(code)) {
      if (!techniques.includes(code)) techniques.push(code);
    } else problems.push(`mch-licence[${i}]: technique "${String(code)}" is not an mch-technique code`);
  }
  if (!number) {
    problems.push(`mch-licence[${i}]: no licence number`);
    return undefined;
  }
  const period = parts.find((x) => x.url === 'period')?.valuePeriod;
  const lv = parts.find((x) => x.url === 'lastVerified');
  const lastVerified = lv?.valueDate ?? lv?.valueDateTime;
  return {
    organizationId,
    number,
    techniques,
    ...(period?.start ? { validFrom: period.start } : {}),
    ...(period?.end ? { validTo: period.end } : {}),
    ...(lastVerified ? { lastVerified } : {}),
  };
}

/** Licences, institution role and NIPT cooperation of an Organization. */
export function organizationCredentialsFromFhir(o: Organization): Parsed<OrganizationCredentials> {
  const problems: string[] = [];
  const organizationId = o.id ?? '';
  const licences = ext(o.extension, EXTENSIONS.mchLicence)
    .map((e, i) => licenceFrom(e, organizationId, i, problems))
    .filter((l): l is LicenceRecord => l !== undefined);
  const roleCode = ext(o.extension, EXTENSIONS.mchInstitutionRole)[0]?.valueCode;
  const institutionRole = (INSTITUTION_ROLES as readonly string[]).includes(roleCode ?? '') ? (roleCode as InstitutionRole) : undefined;
  if (roleCode !== undefined && !institutionRole) problems.push(`mch-institution-role: unknown code "${roleCode}"`);
  const niptCooperation: NiptCooperation[] = ext(o.extension, EXTENSIONS.niptCooperation).map((e) => {
    const partner = idOf(e.extension?.find((x) => x.url === 'partner')?.valueReference, 'Organization');
    const period = e.extension?.find((x) => x.url === 'period')?.valuePeriod;
    return {
      ...(partner ? { partnerOrganizationId: partner } : {}),
      ...(period?.start ? { validFrom: period.start } : {}),
      ...(period?.end ? { validTo: period.end } : {}),
    };
  });
  return {
    value: {
      organizationId,
      ...(o.name ? { name: o.name } : {}),
      ...(institutionRole ? { institutionRole } : {}),
      licences,
      niptCooperation,
    },
    problems,
  };
}

/** Display name of a Practitioner (record-derived text). */
export function practitionerName(p: Practitioner): string | undefined {
  return nameText(p.name);
}
