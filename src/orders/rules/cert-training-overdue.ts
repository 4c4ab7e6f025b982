import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { selectCertificate, trainingState } from '../select-credential.js';

/**
 * `cert-training-overdue` (warning) — ZJ-2023 Art.19: certificate holders train at least every
 * `CERT_TRAINING_YEARS` (2) years (`CERT_TRAINING_YEARS_SCREENING` for prenatal-screening staff when
 * set). Judged only on a certificate in force (a missing/expired one is its own finding). Fires
 * when the latest training for that technique is more than N years ago (`overdue`; exactly N years
 * is on time) or is not recorded (`unknown`) or unreadable (`unusable`).
 */
export const certTrainingOverdue: OrderRule = {
  id: 'cert-training-overdue',
  version: '1.0.0',
  title: { 'zh-CN': '母婴保健专项技术专业培训逾期', en: 'Professional training for the technique is overdue' },
  citation: { zj: 'ZJ-2023 Art.19' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'ordering-practitioner', 'practitioner-certificates', 'last-training'],
  indicator: 'warning',
  scope: 'technique',
  evaluate({ facts, policy, now }) {
    const req = facts.requirement;
    if (!req) return { status: 'not-applicable', reason: 'no technique requirement' };
    const sel = selectCertificate(facts.context, req.acceptable, now.today);
    if (sel.kind !== 'found' || sel.state !== 'in-force') return NOT_FIRED;
    const t = trainingState(sel.sameTechnique, sel.certificate.technique, policy, now.today);
    if (t.status === 'on-time') return NOT_FIRED;
    return fired(certTrainingOverdue, evidence(facts, 'certificate'), {
      ...baseParams(facts, 'certificate'),
      reason: t.status,
      source: sel.source,
      technique: sel.certificate.technique,
      certificateNumber: sel.certificate.number,
      intervalYears: t.intervalYears,
      lastTraining: t.status === 'overdue' ? t.lastTraining : t.status === 'unusable' ? t.raw : undefined,
      dueBy: t.status === 'overdue' ? t.dueBy : undefined,
    });
  },
};
