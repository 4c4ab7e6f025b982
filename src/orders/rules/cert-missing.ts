import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';
import { unresolvedReason } from '../../clinical/ordering-context.js';
import { selectCertificate } from '../select-credential.js';

/**
 * `cert-missing` (critical) — ZJ-2023 Art.15, 17: staff performing a special technique must hold a
 * 《母婴保健技术考核合格证书》 (or an annotated 《医师执业证书》) for it. Fires when the ordering
 * practitioner has no certificate for any acceptable technique of the order (`no-certificate`), or
 * only one not yet in force (`not-yet-valid`). When nothing is known about the practitioner (no
 * resolvable `userId`, no Practitioner in the snapshot, not in the registry) it does not fire: the
 * certificate could not be verified (`insufficient-data`, shown on the "could not decide" card) —
 * missing data is never reported as a missing certificate (docs/rules.md#cert-missing). Nor is a
 * practitioner (or PractitionerRole) that could not be fetched: the reason names the reference.
 */
export const certMissing: OrderRule = {
  id: 'cert-missing',
  version: '1.0.0',
  title: { 'zh-CN': '开单医师无相应母婴保健技术考核合格证书', en: 'Ordering practitioner holds no certificate for the technique' },
  citation: { zj: 'ZJ-2023 Art.15, 17' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'ordering-practitioner', 'practitioner-certificates'],
  indicator: 'critical',
  scope: 'technique',
  evaluate({ facts, snapshot, now }) {
    const req = facts.requirement;
    if (!req) return { status: 'not-applicable', reason: 'no technique requirement' };
    const sel = selectCertificate(facts.context, req.acceptable, now.today);
    const base = baseParams(facts, 'certificate');
    const ev = evidence(facts, 'certificate');
    const unresolved = facts.context.practitionerUnresolved;
    if (unresolved && (sel.kind !== 'found' || sel.state === 'not-yet-valid')) {
      // The practitioner (or their PractitionerRole) could not be fetched: not a missing certificate.
      return { status: 'insufficient-data', reason: unresolvedReason(unresolved), evidence: [...new Set([...ev, unresolved.reference])] };
    }
    if (sel.kind === 'practitioner-unknown') {
      const who = snapshot.userId ?? '(no userId)';
      return {
        status: 'insufficient-data',
        reason: `could not verify: no certificate data found for ${who} (no Practitioner resource in the record, none in the registry${facts.context.registryUnavailable ? ', registry unavailable' : ''})`,
        evidence: ev,
      };
    }
    if (sel.kind === 'none') return fired(certMissing, ev, { ...base, reason: 'no-certificate', source: 'none', consulted: sel.consulted });
    if (sel.state === 'not-yet-valid') {
      const c = sel.certificate;
      return fired(certMissing, ev, {
        ...base,
        reason: 'not-yet-valid',
        source: sel.source,
        technique: c.technique,
        certificateNumber: c.number,
        validFrom: c.validFrom,
      });
    }
    return NOT_FIRED;
  },
};
