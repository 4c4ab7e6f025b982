import { codedEvidence, type CodedHit } from '../../clinical/data-elements/coded.js';
import { evidenceItem } from '../../clinical/data-elements/items.js';
import type { EvidenceItem } from '../../clinical/finding-params.js';
import type { Unusable } from '../../clinical/data-elements/context.js';
import { activeHits } from '../readers/conditions.js';
import { latestRh } from '../readers/rh.js';
import {
  BOTH_HOOKS,
  CLINICAL_CITATION,
  historyContext,
  NIPT_RULE_VERSION,
  NIPT_SERVICES,
  niptFired,
  NOT_PREGNANT,
  pregnancyContext,
  notFiredOrInsufficient,
  type NiptRule,
} from './common.js';

type Kind = 'rh-negative' | 'threatened-abortion' | 'bleeding-disorder' | 'chronic-infection';

/**
 * `nipt-invasive-contraindication` — invasive prenatal diagnosis is relatively contraindicated, so
 * NIPT is the suitable option. ZJ-2023 Art.28; NIPT-2016 (适用: 有介入性产前诊断禁忌证者 — 先兆
 * 流产、发热、出血倾向、慢性病原体感染活动期、孕妇Rh阴性血型等).
 *
 * Kinds: `rh-negative` — latest Rh typing (LOINC 10331-7) negative, or a Condition/Observation
 * coded SNOMED 165747007 (any date); `threatened-abortion` — active Condition ICD-10 O20.0 of this
 * pregnancy; `bleeding-disorder` — active `prenatal-observation#bleeding-disorder`;
 * `chronic-infection` — active `prenatal-observation#chronic-infection-active` (any date). Fever
 * has no default code and is not checked (left to the clinician).
 */
export const niptInvasiveContraindicationRule: NiptRule = {
  id: 'nipt-invasive-contraindication',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '有介入性产前诊断禁忌证', en: 'Contraindication to invasive prenatal diagnosis' },
  citation: CLINICAL_CITATION,
  services: NIPT_SERVICES,
  inputs: ['rh-type', 'rh-negative', 'threatened-abortion', 'bleeding-disorder', 'chronic-infection'],
  category: 'nipt-suitable',
  indicator: 'info',
  hooks: BOTH_HOOKS,
  evaluate(input) {
    if (!input.facts.pregnancy.current) return NOT_PREGNANT;
    const history = historyContext(input);
    const kinds: Kind[] = [];
    const items: EvidenceItem[] = [];
    const unusable: Unusable[] = [];
    const add = (kind: Kind, hits: readonly CodedHit[]) => {
      const fresh = hits.filter((h) => !items.some((i) => i.reference === h.reference));
      if (hits.length > 0 && !kinds.includes(kind)) kinds.push(kind);
      items.push(...fresh.map((h) => evidenceItem(h.reference, { date: h.date, code: h.coding, text: h.text })));
    };
    const rh = latestRh(history);
    if (rh.call === 'negative') {
      kinds.push('rh-negative');
      items.push(evidenceItem(rh.evidence.reference, { date: rh.evidence.date, code: rh.evidence.resource.code?.coding?.[0] }));
    } else if (rh.call === 'unknown') unusable.push(...rh.unusable);
    const rhCoded = codedEvidence(history, 'rh-negative', false, ['condition', 'observation']);
    if (rh.call !== 'positive') add('rh-negative', activeHits(rhCoded.hits));
    const threatened = codedEvidence(pregnancyContext(input), 'threatened-abortion', true, ['condition']);
    add('threatened-abortion', activeHits(threatened.hits));
    const bleeding = codedEvidence(history, 'bleeding-disorder', false, ['condition', 'observation']);
    add('bleeding-disorder', activeHits(bleeding.hits));
    const infection = codedEvidence(history, 'chronic-infection', false, ['condition', 'observation']);
    add('chronic-infection', activeHits(infection.hits));
    if (items.length === 0)
      return notFiredOrInsufficient([...unusable, ...threatened.unusable, ...bleeding.unusable, ...infection.unusable]);
    return niptFired('nipt-invasive-contraindication', CLINICAL_CITATION, { kinds, items });
  },
};
