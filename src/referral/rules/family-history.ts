import type { CodeableConcept, Coding, FamilyMemberHistory } from '@medplum/fhirtypes';
import type { ReadContext, Unusable } from '../../clinical/data-elements/context.js';
import { familyConditionCodes, relationships } from '../../clinical/data-elements/concepts.js';
import { codeRef } from '../../clinical/data-elements/items.js';
import { isAboutPatient, refOf } from '../../clinical/data-elements/subject.js';
import { parseFhirDate } from '../../calendar/index.js';
import type { FamilyHistoryParams } from '../../clinical/finding-params.js';

export type FamilyHistoryItem = FamilyHistoryParams['items'][number];

/**
 * FamilyMemberHistory items (history: any date; not `entered-in-error`) with a condition in
 * `valueSetId`, optionally only for relationships in `relationshipSet`. Either partner's side counts
 * (the relationship is reported, not filtered, unless asked). An invalid `date` is reported unusable.
 * `accept` leaves out condition codes that belong elsewhere (a child's severe defect is a prior
 * affected birth, not family history).
 */
export function familyHistoryItems(
  ctx: ReadContext,
  valueSetId: string,
  relationshipSet?: string,
  accept?: (relationship: CodeableConcept | undefined, condition: CodeableConcept) => boolean,
): { items: FamilyHistoryItem[]; unusable: Unusable[] } {
  const items: FamilyHistoryItem[] = [];
  const unusable: Unusable[] = [];
  for (const f of ctx.snapshot.ofType('FamilyMemberHistory') as readonly FamilyMemberHistory[]) {
    if (!isAboutPatient(f, ctx.snapshot.patientId) || f.status === 'entered-in-error') continue;
    const rel = relationships(f)[0];
    if (relationshipSet && !ctx.matcher.inValueSet(relationshipSet, rel)) continue;
    let coding: Coding | undefined;
    let text: string | undefined;
    for (const c of familyConditionCodes(f)) {
      if (accept !== undefined && !accept(rel, c)) continue;
      coding = ctx.matcher.matchingCoding(valueSetId, c);
      if (coding) {
        text = c.text;
        break;
      }
    }
    if (!coding) continue;
    if (f.date !== undefined && !parseFhirDate(f.date, ctx.timeZone)) {
      unusable.push({ reference: refOf(f), reason: 'invalid date' });
      continue;
    }
    const relCoding = rel?.coding?.find((c) => c.code);
    items.push({
      reference: refOf(f),
      ...(f.date ? { date: f.date } : {}),
      code: codeRef(coding),
      ...(text ? { text } : {}),
      ...(relCoding ? { relationship: codeRef(relCoding) } : {}),
    });
  }
  return { items, unusable };
}
