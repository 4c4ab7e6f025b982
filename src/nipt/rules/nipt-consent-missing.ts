import { niptConsents } from '../readers/consent.js';
import { CONSENT_CITATION, NIPT_RULE_VERSION, niptFired, pregnancyContext, type NiptRule } from './common.js';

/**
 * `nipt-consent-missing` (warning, order-sign only) — no NIPT pre-test counselling consent on file
 * for this pregnancy. ZJ-2023 Art.22 (知情选择、孕妇自愿); NIPT-2016 (检测前咨询及知情同意).
 * The Consent shape is documented in ../readers/consent.ts (active, category
 * `prenatal-order#nipt-counselling-consent`, dateTime in this pregnancy). At order-select the rule
 * does not apply (consent is taken after the order is chosen, before it is signed).
 */
export const niptConsentMissingRule: NiptRule = {
  id: 'nipt-consent-missing',
  version: NIPT_RULE_VERSION,
  title: { 'zh-CN': '未见本次妊娠NIPT检测前咨询知情同意', en: 'No NIPT pre-test counselling consent for this pregnancy' },
  citation: CONSENT_CITATION,
  services: ['special-technique-order-sign'],
  inputs: ['nipt-consent'],
  indicator: 'warning',
  hooks: ['order-sign'],
  evaluate(input) {
    if (input.facts.hook !== 'order-sign') return { status: 'not-applicable', reason: 'checked at order-sign only' };
    const { found, unusable } = niptConsents(pregnancyContext(input));
    if (found.length > 0) return { status: 'not-fired' };
    return niptFired(
      'nipt-consent-missing',
      CONSENT_CITATION,
      {
        ...(unusable.length > 0 ? { unusable } : {}),
        items: [],
      },
      [input.facts.orderRef],
    );
  },
};
