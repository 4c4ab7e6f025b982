import type { Communication } from '@medplum/fhirtypes';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, SYSTEMS } from '../clinical/codes.js';
import { parseFhirDate, toDayNumber } from '../calendar/index.js';
import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { ExistingNotice } from './card-detail.js';
import type { PatientSnapshot } from '../fhir/snapshot.js';

function isNoticeCommunication(c: Communication): boolean {
  return (c.category ?? []).some((cc) =>
    (cc.coding ?? []).some((k) => k.system === SYSTEMS.noticeCategory && k.code === NOTICE_CATEGORY_CODE),
  );
}

function isAboutPatient(c: Communication, patientId: string): boolean {
  const ref = c.subject?.reference;
  return ref === `Patient/${patientId}` || (ref?.endsWith(`/Patient/${patientId}`) ?? false);
}

/**
 * The written notice (ZJ-2023 Art.25) already given for the current pregnancy, if any: the newest
 * `completed` notice Communication about this patient, sent on or after this pregnancy's LMP, with
 * the union of the rule ids (`notice-rules` extension) that all such notices covered. A notice of an
 * earlier pregnancy, a draft, or one with an unreadable date does not count — the card then asks for
 * a notice again rather than assume one was given.
 */
export function existingNoticeFor(snapshot: PatientSnapshot, facts: PregnancyFacts, timeZone: string): ExistingNotice | undefined {
  const lmp = facts.lmp ? toDayNumber(facts.lmp) : undefined;
  if (lmp === undefined) return undefined;
  let newest: { day: string; reference: string; noticeId?: string; rules: string[] } | undefined;
  const rules = new Set<string>();
  for (const c of snapshot.ofType('Communication')) {
    if (c.status !== 'completed' || !isNoticeCommunication(c) || !isAboutPatient(c, snapshot.patientId)) continue;
    const sent = parseFhirDate(c.sent, timeZone);
    if (!sent?.day || sent.first < lmp) continue;
    const own: string[] = [];
    let noticeId: string | undefined;
    for (const ext of c.extension ?? []) {
      if (ext.url === EXTENSIONS.noticeRules && typeof ext.valueCode === 'string') own.push(ext.valueCode);
      if (ext.url === EXTENSIONS.noticeId && typeof ext.valueString === 'string') noticeId = ext.valueString;
    }
    own.forEach((r) => rules.add(r));
    if (!newest || sent.day > newest.day) newest = { day: sent.day, reference: `Communication/${c.id ?? ''}`, noticeId, rules: own };
  }
  if (!newest) return undefined;
  const latest = newest.noticeId ? { latest: { noticeId: newest.noticeId, rules: newest.rules } } : {};
  return { date: newest.day, rules: [...rules], reference: newest.reference, ...latest };
}
