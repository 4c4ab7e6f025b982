import { evidenceItem } from '../../clinical/data-elements/items.js';
import { recentProcedures } from '../readers/procedures.js';
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

const KIND: Readonly<Record<string, 'transfusion' | 'transplant' | 'cell-therapy'>> = {
  transfusion: 'transfusion',
  transplant: 'transplant',
  'cell-therapy': 'cell-therapy',
};

/**
 * `nipt-recent-transfusion-transplant` — allogeneic transfusion, transplantation or cell therapy
 * within the last year (donor cell-free DNA confounds the test): NIPT not applicable. ZJ-2023
 * Art.28; NIPT-2016 (1年内接受过异体输血、移植手术、异体细胞治疗).
 *
 * A Procedure coded in `transfusion` (SNOMED 116859006, 5447007), `transplant` (77465005) or
 * `cell-therapy` (`prenatal-observation#cell-therapy`), not preparation/not-done/entered-in-error,
 * performed within NIPT_TRANSFUSION_DAYS (365) days of today: 364 and 365 days ago fire, 366 does not.
 * Undated or partial dates straddling the edge: insufficient data (reported, not guessed).
 */
export const niptRecentTransfusionTransplantRule: NiptRule = {
  id: 'nipt-recent-transfusion-transplant',
  version: NIPT_RULE_VERSION,
  title: {
    'zh-CN': '1年内接受过异体输血、移植手术或异体细胞治疗',
    en: 'Allogeneic transfusion, transplant or cell therapy within one year',
  },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['transfusion', 'transplant', 'cell-therapy'],
  category: 'nipt-not-applicable',
  indicator: 'critical',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    const days = input.policy.NIPT_TRANSFUSION_DAYS;
    const { hits, unusable } = recentProcedures(historyContext(input), ['transfusion', 'transplant', 'cell-therapy'], days);
    if (hits.length === 0) return notFiredOrInsufficient(unusable);
    const kinds = [...new Set(hits.map((h) => KIND[h.valueSet]!))];
    const items = hits.map((h) => ({ ...evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text }), daysAgo: h.daysAgo }));
    return niptFired('nipt-recent-transfusion-transplant', CLINICAL_CITATION, {
      kinds,
      windowDays: days,
      daysAgo: hits[0]!.daysAgo,
      items,
    });
  },
};
