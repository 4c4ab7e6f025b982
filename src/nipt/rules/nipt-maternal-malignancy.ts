import { codedEvidence } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { activeHits } from '../readers/conditions.js';
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
 * `nipt-maternal-malignancy` — the woman has an active malignancy (tumour DNA confounds the test):
 * NIPT not applicable. ZJ-2023 Art.28; NIPT-2016 (孕妇合并恶性肿瘤).
 *
 * A Condition of the woman in `malignancy` (ICD-10 C00–C97, SNOMED 363346000 + local), not
 * entered-in-error/refuted, any onset date, whose clinicalStatus is active / recurrence / relapse
 * (or absent); inactive, remission and resolved malignancies do not fire.
 */
export const niptMaternalMalignancyRule: NiptRule = {
  id: 'nipt-maternal-malignancy',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '孕妇合并恶性肿瘤', en: 'Active maternal malignancy' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['malignancy'],
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const coded = codedEvidence(historyContext(input), 'malignancy', false, ['condition']);
    const hits = activeHits(coded.hits);
    if (hits.length === 0) return notFiredOrInsufficient(coded.unusable);
    return niptFired('nipt-maternal-malignancy', CLINICAL_CITATION, {
      items: hits.map((h) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text })),
    });
  },
};
