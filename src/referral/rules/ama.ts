import { fromDayNumber, fullYears, parseFhirDate } from '../../calendar/index.js';
import type { AmaParams, EvidenceItem, PregnancyFacts } from '../../clinical/finding-params.js';
import type { Rule } from '../../engine/rule.js';
import { fired, NOT_PREGNANT, REFERRAL_SERVICES, RULE_VERSION } from './common.js';

const CITATION = { zj: 'ZJ-2023 Art.24(5)', national: 'PDM Art.17(5)' } as const;

/**
 * `ama` — advanced maternal age. ZJ-2023 Art.24(5) (「孕妇年龄超过35周岁的」); PDM Art.17(5).
 *
 * Full years (周岁, see dates/age.ts) between Patient.birthDate and the best EDD (`AMA_REFERENCE` =
 * `edd`; today when there is no EDD or `AMA_REFERENCE` = `today`, and `params.reference` says
 * which), compared with `AMA_AGE_YEARS` by `AMA_COMPARATOR` (`>=` default, `>` = the law's 「超过」).
 *
 * Partial birthDate (`YYYY`, `YYYY-MM`): decided only when every possible birthday in that year/month
 * gives the same answer; then `ageYears` is the smallest possible age and `birthDate` is passed on as
 * written (partial), so the reader sees the imprecision. Otherwise `insufficient-data` with the
 * possible range (docs/rules.md#ama): say so, do not guess. No or invalid birthDate: `insufficient-data`.
 */
export const amaRule: Rule<PregnancyFacts> = {
  id: 'ama',
  version: RULE_VERSION,
  title: { 'zh-CN': '孕妇年龄≥35周岁（高龄孕妇）', en: 'Advanced maternal age (35 or older at the expected date of delivery)' },
  citation: CITATION,
  services: REFERRAL_SERVICES,
  inputs: ['birth-date', 'edd-clinical', 'edd-ultrasound', 'edd-lmp', 'edd-ovulation', 'lmp', 'gestational-age'],
  evaluate({ snapshot, facts, policy, now }) {
    if (!facts.current) return NOT_PREGNANT;
    const useEdd = policy.AMA_REFERENCE === 'edd' && facts.edd !== undefined;
    const reference: AmaParams['reference'] = useEdd ? 'edd' : 'today';
    const referenceDate = useEdd ? facts.edd!.date : now.today;
    const birthDate = snapshot.patient?.birthDate;
    const patientRef = `Patient/${snapshot.patientId}`;
    const base = { reference, referenceDate, threshold: policy.AMA_AGE_YEARS, comparator: policy.AMA_COMPARATOR };
    if (typeof birthDate !== 'string' || birthDate === '') {
      return { status: 'insufficient-data', reason: 'no birthDate', evidence: [patientRef], params: base };
    }
    const parsed = parseFhirDate(birthDate, now.timeZone);
    if (!parsed)
      return {
        status: 'insufficient-data',
        reason: `invalid birthDate ${birthDate}`,
        evidence: [patientRef],
        params: { ...base, birthDate },
      };
    const youngest = fullYears(fromDayNumber(parsed.last), referenceDate);
    const oldest = fullYears(fromDayNumber(parsed.first), referenceDate);
    const meets = (age: number) => (policy.AMA_COMPARATOR === '>=' ? age >= policy.AMA_AGE_YEARS : age > policy.AMA_AGE_YEARS);
    if (!meets(oldest)) return { status: 'not-fired' };
    if (!meets(youngest)) {
      return {
        status: 'insufficient-data',
        reason: `birthDate ${birthDate} is partial (${parsed.precision}): age at ${referenceDate} is ${youngest} or ${oldest}`,
        evidence: [patientRef],
        params: { ...base, birthDate, ageYearsMin: youngest, ageYearsMax: oldest },
      };
    }
    const items: EvidenceItem[] = [{ reference: patientRef, date: birthDate }];
    if (useEdd) items.push({ reference: facts.edd!.reference, date: facts.edd!.date });
    const params: AmaParams = { ...base, ageYears: youngest, birthDate, items };
    return fired('ama', CITATION, params);
  },
};
