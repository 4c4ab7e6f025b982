import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { addDays, daysBetween, parseDateAsWritten } from '../calendar/index.js';
import { periodState, trainingState, verificationState } from '../orders/select-credential.js';
import type { CertificateRecord, RegistryContents } from './registry-store.js';
import { compareIds } from '../text/natural-order.js';

/**
 * Registry report for quality control (ZJ-2023 Art.13, 15, 19, 34-36): certificates and licences
 * that have expired, expire within `EXPIRING_WITHIN_DAYS`, are overdue for training
 * (`CERT_TRAINING_YEARS`, Art.19) or for verification (`LICENCE_VERIFICATION_YEARS`, Art.13) — so
 * they can be renewed before an order is blocked. Same date rules as the order checks
 * (select-credential.ts): ending today is still valid, exactly N years is on time.
 */
export const REPORT_BUCKETS = ['expired', 'expiring', 'training-overdue', 'verification-overdue'] as const;
export type ReportBucket = (typeof REPORT_BUCKETS)[number];

export interface ReportItem {
  readonly bucket: ReportBucket;
  readonly kind: 'certificate' | 'licence';
  /** `Practitioner/<id>` or `Organization/<id>`. */
  readonly holder: string;
  readonly holderName?: string;
  readonly number: string;
  readonly techniques: readonly string[];
  /** The deciding date: end of validity, last training or last verification (or issue). */
  readonly date?: string;
  /** Training / verification due date. */
  readonly dueBy?: string;
  /** Days from today to `dueBy` or to the end of validity (negative: that many days late). */
  readonly days?: number;
  /** `unknown` / `unusable` when the deciding date is missing or unreadable. */
  readonly reason?: 'unknown' | 'unusable';
}

export interface RegistryReport {
  readonly today: string;
  readonly expiringWithinDays: number;
  readonly items: readonly ReportItem[];
  readonly counts: Readonly<Record<ReportBucket, number>>;
}

export function registryReport(records: RegistryContents, now: ClinicalNow, policy: Policy): RegistryReport {
  const today = now.today;
  const horizon = addDays(today, policy.EXPIRING_WITHIN_DAYS);
  const items: ReportItem[] = [];
  const validity = (validTo: string | undefined, base: Omit<ReportItem, 'bucket'>, state: ReturnType<typeof periodState>) => {
    const end = parseDateAsWritten(validTo)?.last;
    if (state === 'expired' || state === 'validity-unusable') {
      items.push({ ...base, bucket: 'expired', ...(end ? { date: end, days: daysBetween(today, end) } : { reason: 'unusable' }) });
      return false;
    }
    if (state === 'in-force' && end && end <= horizon)
      items.push({ ...base, bucket: 'expiring', date: end, days: daysBetween(today, end) });
    return state === 'in-force';
  };

  for (const p of records.practitioners) {
    for (const c of p.certificates) {
      const base = {
        kind: 'certificate' as const,
        holder: `Practitioner/${p.practitionerId}`,
        ...(p.name ? { holderName: p.name } : {}),
        number: c.number ?? '',
        techniques: [c.technique],
      };
      if (!validity(c.validTo, base, periodState(c.validFrom, c.validTo, today))) continue;
      const same: CertificateRecord[] = p.certificates.filter((o) => o.technique === c.technique);
      const t = trainingState(same, c.technique, policy, today);
      if (t.status === 'overdue')
        items.push({ ...base, bucket: 'training-overdue', date: t.lastTraining, dueBy: t.dueBy, days: daysBetween(today, t.dueBy) });
      else if (t.status !== 'on-time') items.push({ ...base, bucket: 'training-overdue', reason: t.status });
    }
  }
  for (const o of records.organizations) {
    for (const l of o.licences) {
      const base = {
        kind: 'licence' as const,
        holder: `Organization/${o.organizationId}`,
        ...(o.name ? { holderName: o.name } : {}),
        number: l.number,
        techniques: [...l.techniques],
      };
      if (!validity(l.validTo, base, periodState(l.validFrom, l.validTo, today))) continue;
      const v = verificationState(l, policy.LICENCE_VERIFICATION_YEARS, today);
      if (v.status === 'overdue')
        items.push({ ...base, bucket: 'verification-overdue', date: v.reference, dueBy: v.dueBy, days: daysBetween(today, v.dueBy) });
      else if (v.status !== 'on-time') items.push({ ...base, bucket: 'verification-overdue', reason: v.status });
    }
  }
  items.sort(
    (a, b) =>
      REPORT_BUCKETS.indexOf(a.bucket) - REPORT_BUCKETS.indexOf(b.bucket) ||
      (a.days ?? -1e9) - (b.days ?? -1e9) ||
      compareIds(a.holder, b.holder),
  );
  const counts = Object.fromEntries(REPORT_BUCKETS.map((b) => [b, items.filter((i) => i.bucket === b).length])) as Record<
    ReportBucket,
    number
  >;
  return { today, expiringWithinDays: policy.EXPIRING_WITHIN_DAYS, items, counts };
}
