import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/csv/index.js';
import { ART25_NOTICE_RULE_IDS } from '../../src/engine/rule-ids.js';
import type { FindingFact } from '../../src/qc/compliance-types.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import { UNDIAGNOSED_COLUMNS, undiagnosedCsv } from '../../src/qc/follow-up-csv.js';

/**
 * The follow-up rows in natural order like the compliance and data-quality rows (org-2 before
 * org-10, docs/design.md#cli-output), and the undiagnosed CSV's `rules` joined by the one list
 * separator of every CSV (src/csv/list.ts). Asia/Shanghai.
 */
function finding(patient: string, org: string, rule: string): FindingFact {
  return {
    hookCallId: `call-${patient}-${rule}`,
    receivedAt: '2026-11-02T10:00:00+08:00',
    institutionId: org,
    patientId: patient,
    pregnancyKey: `Patient/${patient}|2027-05-10`,
    edd: '2027-05-10',
    rule,
  };
}

const report = computeFollowUp(
  {
    compliance: {
      findings: [
        finding('p-chen-jing', 'org-10', 'ama'),
        finding('p-lin-xue', 'org-2', 'ama'),
        finding('p-lin-xue', 'org-2', 'fetal-anomaly'),
        finding('p-gao-yan', 'org-1', 'screening-high-risk'),
      ],
      cards: [],
      feedback: [],
      acknowledgements: [],
    },
    events: [],
  },
  {
    from: '2026-10-01',
    to: '2026-12-31',
    groupBy: 'institution',
    timeZone: 'Asia/Shanghai',
    today: '2027-01-15',
    deadlineDays: 7,
    referralRules: ART25_NOTICE_RULE_IDS,
    diagnosisDays: 28,
  },
);

describe('follow-up rows and CSV lists', () => {
  it('rows by institution in natural order: org-1, org-2, org-10', () => {
    expect(report.rows.map((r) => [r.key, r.indicated])).toEqual([
      ['org-1', 1],
      ['org-2', 1],
      ['org-10', 1],
    ]);
  });

  it('the undiagnosed CSV joins rules with ";"', () => {
    const records = parseCsv(undiagnosedCsv(report.undiagnosed)).records.map((r) => [...r.fields]);
    const rules = UNDIAGNOSED_COLUMNS.indexOf('rules');
    const patient = UNDIAGNOSED_COLUMNS.indexOf('patient');
    const lin = records.find((r) => r[patient] === 'p-lin-xue');
    expect(lin?.[rules]).toBe('ama;fetal-anomaly');
  });
});
