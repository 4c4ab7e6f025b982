import type { Consent } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { place } from '../../clinical/data-elements/scope.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import { parseFhirDate } from '../../calendar/index.js';

/**
 * The NIPT pre-test counselling consent (ZJ-2023 Art.22 informed choice; NIPT-2016 pre-test
 * counselling and written consent). Shape we read (and our card's suggestion creates):
 *
 * - `Consent.status` = `active` (a `proposed`/`draft` one is not yet given; `rejected`,
 *   `inactive`, `entered-in-error` are not consent);
 * - `Consent.category` (any) has a coding in value set `nipt-consent`
 *   (`prenatal-order#nipt-counselling-consent`, + hospital codes);
 * - `Consent.patient` is the woman (or absent: the snapshot is patient-scoped);
 * - `Consent.dateTime` within this pregnancy: on/after its LMP (or the 300-day fallback start when
 *   it cannot be dated) and not in the future. An undated consent cannot be placed: unusable.
 */
export interface ConsentOnFile {
  readonly reference: string;
  readonly dateTime: string;
}

function isNiptConsent(c: Consent, ctx: ReadContext): boolean {
  return (c.category ?? []).some((cat) => ctx.matcher.inValueSet('nipt-consent', cat));
}

export function niptConsents(ctx: ReadContext): { found: ConsentOnFile[]; unusable: Unusable[] } {
  const found: ConsentOnFile[] = [];
  const unusable: Unusable[] = [];
  for (const c of ctx.snapshot.ofType('Consent')) {
    if (c.status !== 'active' || !isAboutPatient(c, ctx.snapshot.patientId) || !isNiptConsent(c, ctx)) continue;
    const raw = c.dateTime;
    const date = raw === undefined ? undefined : parseFhirDate(raw, ctx.timeZone);
    const p = place(raw === undefined ? { invalid: false } : date ? { date, invalid: false } : { invalid: true }, ctx, true);
    if (p.kind === 'previous') continue;
    if (p.kind === 'unusable') unusable.push({ reference: refOf(c), reason: p.reason });
    else found.push({ reference: refOf(c), dateTime: raw! });
  }
  return { found, unusable };
}
