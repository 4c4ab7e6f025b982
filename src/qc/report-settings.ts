import type { Config } from '../config/schema.js';
import type { Policy } from '../clinical/policy.js';
import { ART25_NOTICE_RULE_IDS } from '../engine/rule-ids.js';
import type { FollowUpOptions } from './follow-up-types.js';

/**
 * What the QC reports take from the deployment rather than the query — the clinic's time zone and
 * day, NOTICE_DEADLINE_DAYS, the indicating rules, the policy's pregnancy tolerance and diagnosis
 * window — the same for the API, the CLI and the bulk audit (docs/design.md#qc). The compliance
 * report reads the fields it knows and ignores `diagnosisDays`.
 */
export function reportSettings(
  s: {
    readonly timeZone: string;
    readonly deadlineDays: number;
    readonly policy: Pick<Policy, 'PREGNANCY_EDD_TOLERANCE_DAYS' | 'FOLLOW_UP_DIAGNOSIS_DAYS'>;
  },
  today: string,
): Omit<FollowUpOptions, 'from' | 'to' | 'groupBy'> {
  return {
    timeZone: s.timeZone,
    today,
    deadlineDays: s.deadlineDays,
    referralRules: ART25_NOTICE_RULE_IDS,
    pregnancyToleranceDays: s.policy.PREGNANCY_EDD_TOLERANCE_DAYS,
    diagnosisDays: s.policy.FOLLOW_UP_DIAGNOSIS_DAYS,
  };
}

/** `reportSettings` of the service's configuration (the API and the CLI). */
export function configuredReportSettings(
  config: Pick<Config, 'clinicTimeZone' | 'noticeDeadlineDays' | 'policy'>,
  today: string,
): ReturnType<typeof reportSettings> {
  return reportSettings({ timeZone: config.clinicTimeZone, deadlineDays: config.noticeDeadlineDays, policy: config.policy }, today);
}
