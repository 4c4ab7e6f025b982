import { codedEvidence } from '../../clinical/data-elements/coded.js';
import { readContext } from '../../clinical/data-elements/context.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import { addDays } from '../../calendar/index.js';
import { pregnancyScopeStart } from '../../clinical/pregnancy/scope-start.js';
import { codedProcedures } from '../readers/procedures.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  NOT_PREGNANT,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

/** Days before the (gestational) LMP an IVF record of this pregnancy may be dated (stimulation, retrieval). */
export const IVF_SCOPE_LEAD_DAYS = 30;

/**
 * `nipt-ivf` — pregnancy after in-vitro fertilisation: NIPT only with caution. ZJ-2023 Art.28;
 * NIPT-2016 (慎用: 体外受精-胚胎移植). Coded `ivf` evidence (SNOMED 63487001, ICD-10 Z31.2,
 * `prenatal-observation#ivf` + local) on a Condition, Observation or Procedure of this pregnancy.
 * The IVF cycle starts before the gestational LMP the EDD implies, so records dated up to
 * IVF_SCOPE_LEAD_DAYS (30) days before it count (our decision); earlier ones
 * belong to a previous cycle.
 */
export const niptIvfRule: NiptRule = {
  id: 'nipt-ivf',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '体外受精-胚胎移植妊娠', en: 'Pregnancy after in-vitro fertilisation' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['ivf'],
  category: 'nipt-caution',
  indicator: 'warning',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    if (!input.facts.pregnancy.current) return NOT_PREGNANT;
    const start = addDays(pregnancyScopeStart(input.facts.pregnancy, input.policy, input.now), -IVF_SCOPE_LEAD_DAYS);
    const ctx = readContext(input.snapshot, input.policy, input.now, start);
    const coded = codedEvidence(ctx, 'ivf', true, ['condition', 'observation']);
    const procs = codedProcedures(ctx, 'ivf', true);
    const items = [
      ...coded.hits.map((h) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text })),
      ...procs.hits.map((h) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text })),
    ];
    if (items.length === 0) return notFiredOrInsufficient([...coded.unusable, ...procs.unusable]);
    return niptFired('nipt-ivf', CLINICAL_CITATION, { items });
  },
};
