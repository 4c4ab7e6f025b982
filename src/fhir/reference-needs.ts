import type { Encounter, Organization, PractitionerRole, Reference } from '@medplum/fhirtypes';
import { EXTENSIONS } from '../clinical/codes.js';
import { abnormalDiagnosisReports } from '../clinical/data-elements/prenatal-diagnosis-report.js';
import { resolveOrderingContext } from '../clinical/ordering-context.js';
import type { ValueSetMatcher } from '../clinical/value-sets/matcher.js';
import { idOf } from './references.js';
import type { PatientSnapshot } from './snapshot.js';

/**
 * A reference the decision needs whose target the snapshot does not hold
 * (docs/design.md#reference-fetch): `reference` is the normalised `Type/id` the rules look up,
 * `raw` the reference as written (absolute or relative), `type` the type it must be.
 */
export interface MissingReference {
  readonly reference: string;
  readonly raw: string;
  readonly type: 'Practitioner' | 'PractitionerRole' | 'Organization';
}

/**
 * What the ordering context and the institution of the call need and the snapshot lacks:
 *
 * - `context.userId` = `PractitionerRole/x` whose role is absent, and that role's `practitioner`
 *   and `organization`;
 * - the organization of the PractitionerRole chosen for a Practitioner user (a server that ignored
 *   `_include`);
 * - the Encounter's `serviceProvider` when no role names the organization;
 * - the partner Organization of each `nipt-cooperation` of the ordering organization;
 * - the performer of the reports that could fire `abnormal-result-notice` — an issued
 *   prenatal-diagnosis report with an abnormal conclusion, the most recent
 *   `MAX_PERFORMER_REPORTS` (`abnormalDiagnosisReports`, the rule's own predicates; `matcher` holds
 *   the policy's local codes): an Organization, or a PractitionerRole and then its organization.
 *
 * Follows the same choices as `resolveOrderingContext` (one definition of "the role", "the
 * organization"), so what is fetched is exactly what the decision reads.
 */
export function missingReferences(snapshot: PatientSnapshot, matcher?: ValueSetMatcher): MissingReference[] {
  const out = new Map<string, MissingReference>();
  const want = (ref: Reference | string | undefined, type: MissingReference['type']): void => {
    const raw = typeof ref === 'string' ? ref : ref?.reference;
    const id = idOf(raw, type);
    if (raw === undefined || id === undefined) return;
    const reference = `${type}/${id}`;
    if (snapshot.byReference(reference)?.resourceType === type || out.has(reference)) return;
    out.set(reference, { reference, raw, type });
  };
  const user = snapshot.userId;
  const roleId = idOf(user, 'PractitionerRole');
  if (roleId) {
    want(user, 'PractitionerRole');
    const role = snapshot.byReference(`PractitionerRole/${roleId}`) as PractitionerRole | undefined;
    if (role?.resourceType === 'PractitionerRole') {
      want(role.practitioner, 'Practitioner');
      want(role.organization, 'Organization');
    }
  }
  const ctx = resolveOrderingContext(snapshot);
  if (ctx.practitionerRole) {
    const role = snapshot.byReference(ctx.practitionerRole) as PractitionerRole | undefined;
    want(role?.organization, 'Organization');
  }
  if (ctx.organizationVia === 'encounter' && ctx.encounter) {
    const encounter = snapshot.byReference(ctx.encounter) as Encounter | undefined;
    want(encounter?.serviceProvider, 'Organization');
  }
  if (ctx.organization) for (const partner of cooperationPartners(ctx.organization)) want(partner, 'Organization');
  for (const report of matcher ? abnormalDiagnosisReports(snapshot, matcher) : []) {
    for (const p of Array.isArray(report.performer) ? report.performer : []) {
      want(p, 'Organization');
      want(p, 'PractitionerRole');
      const roleRef = idOf(p, 'PractitionerRole');
      const role = roleRef ? snapshot.byReference(`PractitionerRole/${roleRef}`) : undefined;
      if (role?.resourceType === 'PractitionerRole') want(role.organization, 'Organization');
    }
  }
  return [...out.values()];
}

/** The `partner` references of an Organization's `nipt-cooperation` extensions (ZJ-2023 Art.29). */
function cooperationPartners(o: Organization): Reference[] {
  return (o.extension ?? [])
    .filter((e) => e.url === EXTENSIONS.niptCooperation)
    .map((e) => e.extension?.find((x) => x.url === 'partner')?.valueReference)
    .filter((r): r is Reference => r !== undefined);
}
