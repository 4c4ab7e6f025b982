import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { sexLinkedReason } from '../sex-linked.js';

/**
 * `sex-determination-prohibited` (critical) — ZJ-2023 Art.31: no fetal sex determination without
 * medical need. Fires for an order coded `prenatal-order#fetal-sex-determination` (or a local
 * equivalent) whose `reasonCode` / `reasonReference` Condition is not in the `sex-linked-disorder`
 * value set (see sex-linked.ts). Runs once per order.
 */
export const sexDeterminationProhibited: OrderRule = {
  id: 'sex-determination-prohibited',
  version: '1.0.0',
  title: { 'zh-CN': '非医学需要的胎儿性别鉴定', en: 'Fetal sex determination without medical need' },
  citation: { zj: 'ZJ-2023 Art.31' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'order-reason', 'sex-linked-disorder'],
  indicator: 'critical',
  scope: 'order',
  evaluate({ facts, snapshot, policy }) {
    if (!facts.techniques.sexDetermination) return { status: 'not-applicable', reason: 'not a sex-determination order' };
    if (sexLinkedReason(facts.order, snapshot, policy)) return NOT_FIRED;
    const given = (facts.order.reasonCode ?? []).flatMap((c) => c.coding ?? []).map((c) => `${c.system ?? ''}|${c.code ?? ''}`);
    return fired(sexDeterminationProhibited, evidence(facts, 'order'), {
      ...baseParams(facts, 'order'),
      reason: given.length > 0 || (facts.order.reasonReference?.length ?? 0) > 0 ? 'reason-not-sex-linked' : 'no-reason',
      reasonCodes: given.length > 0 ? given : undefined,
      valueSet: 'sex-linked-disorder',
    });
  },
};
