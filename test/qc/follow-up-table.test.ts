import { describe, expect, it } from 'vitest';
import type { FollowUpCounts, FollowUpReport } from '../../src/qc/follow-up-types.js';
import { followUpTable } from '../../src/qc/follow-up-table.js';
import { displayWidth } from '../../src/text/display-width.js';

/**
 * The one text form of the follow-up funnel (docs/design.md#follow-up, #cli-output), used by
 * `npm run qc -- follow-up` and the bulk audit: columns aligned by display width (汉字 count two),
 * the NIPT list shown in full, empty lists said as "none".
 */
const counts = (indicated: number, notified: number): FollowUpCounts => ({
  indicated,
  notified,
  signed: 0,
  accepted: 0,
  declined: 0,
  postponed: 0,
  referred: 1,
  procedure: 0,
  result: 0,
  outcome: 0,
});

const REPORT: FollowUpReport = {
  from: '2026-09-01',
  to: '2026-11-23',
  groupBy: 'institution',
  today: '2026-11-23',
  rows: [
    { key: '杭州市某区妇幼保健院', ...counts(12, 9) },
    { key: 'org-2', ...counts(3, 3) },
  ],
  total: counts(15, 12),
  undiagnosed: [
    {
      pregnancy: 'EpisodeOfCare/eoc-zhang-li-2026',
      patient: 'p-zhang-li-1989',
      ehr: 'https://emr.hz-mch.example.cn/oauth',
      institution: '杭州市某区妇幼保健院',
      reason: 'indicated',
      rules: ['ama'],
      indicatedAt: '2026-10-09T01:30:00.000Z',
      edd: '2027-04-20',
      diagnosisDueBy: '2026-11-06',
      overdueDays: 17,
      stage: 'referred',
    },
    {
      pregnancy: 'Patient/p-li-na-1987|2027-05-02',
      patient: 'p-li-na-1987',
      institution: 'org-2',
      reason: 'nipt-high-risk',
      rules: [],
      indicatedAt: '2026-11-20',
      edd: '2027-05-02',
      diagnosisDueBy: '2026-12-18',
      overdueDays: -25,
      stage: null,
    },
  ],
  nipt: [
    {
      pregnancy: 'Patient/p-li-na-1987|2027-05-02',
      patient: 'p-li-na-1987',
      institution: '浙江省某 NIPT 实验室',
      kind: 'high-risk-undiagnosed',
      niptOn: '2026-11-20',
      edd: '2027-05-02',
      dueBy: '2026-12-18',
    },
  ],
};

/** Display column where each cell of a line starts (cells split by two or more spaces). */
function starts(line: string): number[] {
  const out: number[] = [];
  const re = /(?:^|\s{2,})(\S(?:\S| (?! ))*)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(displayWidth(line.slice(0, m.index + m[0].length - m[1]!.length)));
  return out;
}

describe('followUpTable', () => {
  const text = followUpTable(REPORT);
  const lines = text.split('\n');

  it('aligns the group rows by display width, counts right-aligned, the total last', () => {
    expect(lines[0]).toBe('follow-up 2026-09-01 .. 2026-11-23 by institution (today 2026-11-23)');
    const [head, a, b, total] = lines.slice(2, 6);
    expect(total).toMatch(/^total\s+15\s+12\s/);
    // The row ends (right-aligned counts) fall on the same display column in every row.
    const widths = [head!, a!, b!, total!].map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    expect(a).toMatch(/^杭州市某区妇幼保健院\s+12\s+9\s+0\s+0\s+0\s+0\s+1\s+0\s+0\s+0$/);
  });

  it('lists the undiagnosed and the NIPT cases with their pregnancy, the CJK columns aligned', () => {
    const i = lines.indexOf('undiagnosed (most urgent first):');
    expect(lines[i + 1]).toMatch(/^patient\s+institution\s+reason\s+diagnosis due by\s+overdue days\s+stage\s+pregnancy$/);
    expect(lines[i + 2]).toMatch(
      /^p-zhang-li-1989\s+杭州市某区妇幼保健院\s+indicated\s+2026-11-06\s+17\s+referred\s+EpisodeOfCare\/eoc-zhang-li-2026$/,
    );
    expect(lines[i + 3]).toMatch(/^p-li-na-1987\s+org-2\s+nipt-high-risk\s+2026-12-18\s+-25\s+-\s+Patient\/p-li-na-1987\|2027-05-02$/);
    expect(starts(lines[i + 2]!)).toEqual(starts(lines[i + 1]!));
    expect(starts(lines[i + 3]!)).toEqual(starts(lines[i + 1]!));
    const n = lines.indexOf('NIPT follow-up (Art. 29):');
    expect(lines[n + 2]).toMatch(
      /^p-li-na-1987\s+浙江省某 NIPT 实验室\s+high-risk-undiagnosed\s+2026-11-20\s+2027-05-02\s+2026-12-18\s+Patient\//,
    );
    expect(starts(lines[n + 2]!)).toEqual(starts(lines[n + 1]!));
    // The EHR is for the pseudonymising presenter only: never printed.
    expect(text).not.toContain('emr.hz-mch');
  });

  it('says "none" for an empty list', () => {
    const empty = followUpTable({ ...REPORT, undiagnosed: [], nipt: [] });
    expect(empty).toContain('undiagnosed (most urgent first): none');
    expect(empty).toContain('NIPT follow-up (Art. 29): none');
  });
});
