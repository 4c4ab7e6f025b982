import type { Condition, ServiceRequest } from '@medplum/fhirtypes';
import { formatGestationalAge, fromDayNumber, gestationalAgeDays, parseFhirDate, toDayNumber } from '../../calendar/index.js';
import type { PatientSnapshot } from '../../fhir/snapshot.js';
import { relativeReference } from '../../fhir/references.js';
import type { OrderRule } from '../order-rule.js';
import { NOT_FIRED, baseParams, evidence, fired } from '../order-rule.js';

/** Verification statuses that void a Condition given as the order's reason. */
const VOID_REASON = new Set(['entered-in-error', 'refuted']);

/**
 * Whether the order documents a reason: a `reasonCode` with a code or a text, or a `reasonReference`
 * (a Condition it points to must not be entered-in-error / refuted; a reference to a record not in
 * the snapshot still documents one).
 */
export function documentedReason(order: ServiceRequest, snapshot: PatientSnapshot): boolean {
  const coded = (order.reasonCode ?? []).some(
    (c) => (c.text ?? '').trim() !== '' || (c.coding ?? []).some((x) => typeof x.code === 'string' && x.code.trim() !== ''),
  );
  if (coded) return true;
  return (order.reasonReference ?? []).some((r) => {
    const ref = relativeReference(r);
    if (!ref) return (r.display ?? '').trim() !== '';
    const res = snapshot.byReference(ref);
    if (res?.resourceType !== 'Condition') return true;
    return !(res as Condition).verificationStatus?.coding?.some((x) => typeof x.code === 'string' && VOID_REASON.has(x.code));
  });
}

/** The day the termination is planned for: its occurrence when later than today, else today. */
function plannedDay(order: ServiceRequest, today: string, timeZone: string): string {
  const raw = order.occurrenceDateTime ?? order.occurrencePeriod?.start;
  const d = parseFhirDate(raw, timeZone);
  const t = toDayNumber(today)!;
  return d && d.first > t ? fromDayNumber(d.first) : today;
}

/**
 * `termination-reason-missing` (critical) — ZJ-2023 Art.31 (「不得进行非医学需要的胎儿性别鉴定和选择性别的人工终止
 * 妊娠」; docs/rules.md#termination-reason-missing). A termination-of-pregnancy order (technique
 * `pregnancy-termination`: the mch-technique code, SNOMED 714812005 / 57797005, or hospital procedure
 * codes in `localCodes['mch-technique-orders:pregnancy-termination']`) at GA ≥
 * `TERMINATION_CHECK_GA_DAYS` (98 = 14+0) — on the day it is signed, or on its planned day when later —
 * without a documented medical reason. GA unknown: insufficient-data ("could not verify GA"). Runs
 * once per order.
 */
export const terminationReasonMissing: OrderRule = {
  id: 'termination-reason-missing',
  version: '1.0.0',
  title: { 'zh-CN': '孕14周及以上终止妊娠未注明医学原因', en: 'Termination of pregnancy at 14+0 weeks or later without a medical reason' },
  citation: { zj: 'ZJ-2023 Art.31' },
  services: ['special-technique-order-sign'],
  inputs: ['order-technique', 'order-reason', 'edd-clinical', 'edd-ultrasound', 'edd-lmp', 'edd-ovulation', 'lmp', 'gestational-age'],
  indicator: 'critical',
  scope: 'order',
  evaluate({ facts, snapshot, policy, now }) {
    if (!facts.techniques.requirements.some((r) => r.acceptable.includes('pregnancy-termination')))
      return { status: 'not-applicable', reason: 'not a termination-of-pregnancy order' };
    const p = facts.pregnancy;
    if (!p.edd)
      return {
        status: 'insufficient-data',
        reason: 'could not verify GA: no EDD, LMP or gestational age of a current pregnancy in the record',
        evidence: [facts.orderRef, ...p.currentEvidence],
      };
    const day = plannedDay(facts.order, now.today, now.timeZone);
    const gaDays = gestationalAgeDays(p.edd.date, day);
    if (gaDays < policy.TERMINATION_CHECK_GA_DAYS) return NOT_FIRED;
    if (documentedReason(facts.order, snapshot)) return NOT_FIRED;
    return fired(terminationReasonMissing, evidence(facts, 'order', [p.edd.reference]), {
      ...baseParams(facts, 'order'),
      reason: 'no-reason',
      gaDays,
      ga: formatGestationalAge(gaDays),
      gaOn: day,
      edd: p.edd.date,
      eddSource: p.edd.source,
      thresholdDays: policy.TERMINATION_CHECK_GA_DAYS,
      threshold: formatGestationalAge(policy.TERMINATION_CHECK_GA_DAYS),
    });
  },
};
