import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { selectCertificate } from '../select-credential.js';

/**
 * `cert-expired` (critical) — ZJ-2023 Art.15: the certificate that decides the order's technique
 * has a validity period that ended before today (`period-ended`; ending today is still valid), or
 * validity dates that cannot be read (`validity-unusable`: an unverifiable certificate is not
 * accepted; override reason `certificate-data-outdated` exists for that).
 */
export const certExpired: OrderRule = {
  id: 'cert-expired',
  version: '1.0.0',
  title: { 'zh-CN': '母婴保健技术考核合格证书已过有效期', en: 'Certificate for the technique has expired' },
  citation: { zj: 'ZJ-2023 Art.15' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'ordering-practitioner', 'practitioner-certificates'],
  indicator: 'critical',
  scope: 'technique',
  evaluate({ facts, now }) {
    const req = facts.requirement;
    if (!req) return { status: 'not-applicable', reason: 'no technique requirement' };
    const sel = selectCertificate(facts.context, req.acceptable, now.today);
    if (sel.kind !== 'found' || (sel.state !== 'expired' && sel.state !== 'validity-unusable')) return NOT_FIRED;
    const c = sel.certificate;
    return fired(certExpired, evidence(facts, 'certificate'), {
      ...baseParams(facts, 'certificate'),
      reason: sel.state === 'expired' ? 'period-ended' : 'validity-unusable',
      source: sel.source,
      technique: c.technique,
      certificateNumber: c.number,
      certificateType: c.type,
      validFrom: c.validFrom,
      validTo: c.validTo,
      today: now.today,
    });
  },
};
