import { evidenceItem } from '../../clinical/data-elements/items.js';
import { latestMeasurement } from '../../clinical/data-elements/quantity.js';
import { bmiValue } from '../readers/measurements.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  historyContext,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

/**
 * `nipt-severe-obesity` — BMI > 40 kg/m² (NIPT_BMI_MAX; low fetal fraction): NIPT only with caution.
 * ZJ-2023 Art.28; NIPT-2016 (慎用: 重度肥胖, 体重指数>40). The latest usable BMI Observation
 * (LOINC 39156-5, value set `bmi`, kg/m2) decides, any date (pre-pregnancy BMI counts: our
 * decision). 40 does not fire, 40.1 does. An unreadable latest value: insufficient data.
 */
export const niptSevereObesityRule: NiptRule = {
  id: 'nipt-severe-obesity',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '重度肥胖（体重指数>40）', en: 'Severe obesity (BMI above 40)' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['bmi'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const max = input.policy.NIPT_BMI_MAX;
    const latest = latestMeasurement(historyContext(input), 'bmi', false, bmiValue);
    if (latest.kind === 'unusable') return notFiredOrInsufficient([latest.unusable]);
    if (latest.kind === 'none') return notFiredOrInsufficient(latest.unusable);
    if (!(latest.value > max)) return { status: 'not-fired' };
    const ev = latest.evidence;
    return niptFired('nipt-severe-obesity', CLINICAL_CITATION, {
      bmi: latest.value,
      limit: max,
      items: [evidenceItem(ev.reference, { date: ev.date, code: ev.resource.code?.coding?.[0], value: latest.value, unit: 'kg/m2' })],
    });
  },
};
