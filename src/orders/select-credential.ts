import type { MchTechnique } from '../clinical/codes.js';
import type { Policy } from '../clinical/policy.js';
import type { CredentialContext } from './credential-context.js';
import type { CertificateRecord, CredentialSource, LicenceRecord } from './credential-records.js';
import { addYears, parseDateAsWritten } from '../calendar/index.js';

/**
 * Picks the certificate / licence that decides an order's technique requirement, and judges it on
 * `today`. The first source (policy order) with a candidate for the technique decides; within it
 * the best candidate wins (in force > unusable dates > not yet valid > expired; then latest end).
 *
 * Boundaries (ZJ-2023 Art.15, 19, 13): a period ending today is still valid; training or
 * verification exactly N years ago is still on time, N years and a day is overdue. Partial dates
 * are read to the practitioner's/institution's benefit (an end or training date of `2023-05` means
 * 2023-05-31; a start of `2023-05` means 2023-05-01). Unparseable dates are "unusable".
 */
export type PeriodState = 'in-force' | 'expired' | 'not-yet-valid' | 'validity-unusable';

export function periodState(validFrom: string | undefined, validTo: string | undefined, today: string): PeriodState {
  const start = validFrom === undefined ? undefined : parseDateAsWritten(validFrom);
  const end = validTo === undefined ? undefined : parseDateAsWritten(validTo);
  if ((validFrom !== undefined && !start) || (validTo !== undefined && !end)) return 'validity-unusable';
  if (end && end.last < today) return 'expired';
  if (start && start.first > today) return 'not-yet-valid';
  return 'in-force';
}

const RANK: Readonly<Record<PeriodState, number>> = { 'in-force': 0, 'validity-unusable': 1, 'not-yet-valid': 2, expired: 3 };

function best<T extends { validFrom?: string; validTo?: string }>(list: readonly T[], today: string, extra: (t: T) => number): T {
  const end = (t: T) => parseDateAsWritten(t.validTo)?.last ?? '9999-12-31';
  return [...list].sort(
    (a, b) =>
      RANK[periodState(a.validFrom, a.validTo, today)] - RANK[periodState(b.validFrom, b.validTo, today)] ||
      extra(a) - extra(b) ||
      (end(b) > end(a) ? 1 : end(b) < end(a) ? -1 : 0),
  )[0]!;
}

export type CertificateSelection =
  | { readonly kind: 'practitioner-unknown' }
  | { readonly kind: 'none'; readonly consulted: readonly CredentialSource[] }
  | {
      readonly kind: 'found';
      readonly source: CredentialSource;
      readonly certificate: CertificateRecord;
      readonly state: PeriodState;
      /** Same-source certificates for the chosen technique (training may be recorded on any). */
      readonly sameTechnique: readonly CertificateRecord[];
    };

export function selectCertificate(ctx: CredentialContext, acceptable: readonly MchTechnique[], today: string): CertificateSelection {
  if (!ctx.practitionerId || ctx.certificates.length === 0) return { kind: 'practitioner-unknown' };
  for (const { source, records } of ctx.certificates) {
    const candidates = records.filter((c) => acceptable.includes(c.technique));
    if (candidates.length === 0) continue;
    const certificate = best(candidates, today, () => 0);
    const sameTechnique = candidates.filter((c) => c.technique === certificate.technique);
    return { kind: 'found', source, certificate, state: periodState(certificate.validFrom, certificate.validTo, today), sameTechnique };
  }
  return { kind: 'none', consulted: ctx.certificates.map((c) => c.source) };
}

export type TrainingState =
  | { readonly status: 'on-time' | 'overdue'; readonly lastTraining: string; readonly dueBy: string; readonly intervalYears: number }
  | { readonly status: 'unknown' | 'unusable'; readonly intervalYears: number; readonly raw?: string };

/** Training interval (Art.19): CERT_TRAINING_YEARS, or the screening-staff option. */
export function trainingYears(technique: MchTechnique, policy: Policy): number {
  return technique === 'prenatal-screening' && policy.CERT_TRAINING_YEARS_SCREENING !== undefined
    ? policy.CERT_TRAINING_YEARS_SCREENING
    : policy.CERT_TRAINING_YEARS;
}

export function trainingState(certs: readonly CertificateRecord[], technique: MchTechnique, policy: Policy, today: string): TrainingState {
  const intervalYears = trainingYears(technique, policy);
  const raws = certs.map((c) => c.lastTraining).filter((d): d is string => d !== undefined);
  const days = raws
    .map((r) => parseDateAsWritten(r)?.last)
    .filter((d): d is string => d !== undefined)
    .sort();
  const last = days[days.length - 1];
  if (!last) return raws.length > 0 ? { status: 'unusable', intervalYears, raw: raws[0]! } : { status: 'unknown', intervalYears };
  const dueBy = addYears(last, intervalYears);
  return { status: dueBy < today ? 'overdue' : 'on-time', lastTraining: last, dueBy, intervalYears };
}

export type VerificationState =
  | {
      readonly status: 'on-time' | 'overdue';
      readonly reference: string;
      readonly referenceKind: 'last-verified' | 'issued';
      readonly dueBy: string;
    }
  | { readonly status: 'unknown' | 'unusable'; readonly raw?: string };

/** Licence verification (校验, Art.13): the last verification, else the licence's start (issue). */
export function verificationState(l: LicenceRecord, years: number, today: string): VerificationState {
  const raw = l.lastVerified ?? l.validFrom;
  if (raw === undefined) return { status: 'unknown' };
  const day = parseDateAsWritten(raw);
  if (!day) return { status: 'unusable', raw };
  const dueBy = addYears(day.last, years);
  return {
    status: dueBy < today ? 'overdue' : 'on-time',
    reference: day.last,
    referenceKind: l.lastVerified !== undefined ? 'last-verified' : 'issued',
    dueBy,
  };
}

export type LicenceSelection =
  | { readonly kind: 'organization-unknown' }
  | { readonly kind: 'none'; readonly consulted: readonly CredentialSource[]; readonly licenceNumbers: readonly string[] }
  | {
      readonly kind: 'found';
      readonly source: CredentialSource;
      readonly licence: LicenceRecord;
      readonly state: PeriodState;
      readonly verification: VerificationState;
    };

export function selectLicence(
  ctx: CredentialContext,
  acceptable: readonly MchTechnique[],
  policy: Policy,
  today: string,
): LicenceSelection {
  if (!ctx.organizationId || ctx.organizations.length === 0) return { kind: 'organization-unknown' };
  const years = policy.LICENCE_VERIFICATION_YEARS;
  for (const { source, credentials } of ctx.organizations) {
    const candidates = credentials.licences.filter((l) => l.techniques.some((t) => acceptable.includes(t)));
    if (candidates.length === 0) continue;
    const licence = best(candidates, today, (l) => (verificationState(l, years, today).status === 'on-time' ? 0 : 1));
    return {
      kind: 'found',
      source,
      licence,
      state: periodState(licence.validFrom, licence.validTo, today),
      verification: verificationState(licence, years, today),
    };
  }
  return {
    kind: 'none',
    consulted: ctx.organizations.map((o) => o.source),
    licenceNumbers: [...new Set(ctx.organizations.flatMap((o) => o.credentials.licences.map((l) => l.number)))],
  };
}
