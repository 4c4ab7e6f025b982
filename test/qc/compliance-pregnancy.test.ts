import { describe, expect, it } from 'vitest';
import { computeCompliance } from '../../src/qc/compliance.js';
import type { ComplianceInput, ComplianceOptions, ComplianceReport, FindingFact } from '../../src/qc/compliance-types.js';

/**
 * Compliance by pregnancy identity (docs/design.md#pregnancy-identity): a revised EDD is the same
 * case (its EDD the latest), two pregnancies of one woman a year apart are two, an end record
 * separates them. Hand-built audit rows; the same through HTTP with real hook calls is
 * test/http/qc-pregnancy-identity.test.ts.
 */
const OPTS: ComplianceOptions = {
  from: '2026-09-01',
  to: '2027-12-31',
  groupBy: 'institution',
  timeZone: 'Asia/Shanghai',
  deadlineDays: 7,
  today: '2027-12-31',
  referralRules: ['ama'],
};
const PID = 'p-zhao-min-1988';
const key = (edd: string) => `Patient/${PID}|${edd}`;
let seq = 0;
const visit = (receivedAt: string, edd: string, over: Partial<FindingFact> = {}): FindingFact => ({
  hookCallId: `h-${++seq}`,
  receivedAt,
  institutionId: 'org-hz-mch',
  patientId: PID,
  pregnancyKey: key(edd),
  edd,
  rule: 'ama',
  ...over,
});
const signed = (signedAt: string, edd: string) => ({ noticeId: `n-${edd}`, signedAt, patientId: PID, pregnancyKey: key(edd), edd });
const report = (input: Partial<ComplianceInput>, opts: Partial<ComplianceOptions> = {}): ComplianceReport =>
  computeCompliance({ findings: [], cards: [], feedback: [], acknowledgements: [], ...input }, { ...OPTS, ...opts });

describe('compliance by pregnancy identity (pure)', () => {
  it('EDD revised once (2027-05-10 → 2027-05-16), notice signed at visit 1: indicated 1, notified 1, rate 1, nothing missing', () => {
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', '2027-05-16')],
      acknowledgements: [signed('2026-09-14T03:00:00Z', '2027-05-10')],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1, due: 1, rate: 1, missing: 0 });
    expect(r.cases).toEqual([
      expect.objectContaining({ pregnancy: key('2027-05-10'), edd: '2027-05-16', status: 'notified-in-time', dueBy: '2026-09-21' }),
    ]);
    // before: the raw key split it in two (indicated 2, notified 1, rate 0.5, one missing)
    const split = report(
      {
        findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', '2027-05-16')],
        acknowledgements: [signed('2026-09-14T03:00:00Z', '2027-05-10')],
      },
      { pregnancyToleranceDays: 0 },
    );
    expect(split.total).toMatchObject({ indicated: 2, notified: 1, rate: 0.5, missing: 1 });
  });

  it('EDD revised twice, drifting 20 then 20 days: one case, tolerance against the latest EDD', () => {
    const r = report({
      findings: [
        visit('2026-09-14T02:00:00Z', '2027-05-10'),
        visit('2026-10-12T02:00:00Z', '2027-05-30'),
        visit('2026-11-09T02:00:00Z', '2027-06-19'),
      ],
      // the acknowledgement of the notice issued at the last visit counts for the case
      acknowledgements: [signed('2026-11-09T03:00:00Z', '2027-06-19')],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1, rate: 1, inTimeRate: 0 });
    expect(r.cases[0]).toMatchObject({
      pregnancy: key('2027-05-10'),
      edd: '2027-06-19',
      firstIndicatedAt: '2026-09-14T02:00:00.000Z',
      status: 'notified-late',
    });
  });

  it('boundary: an EDD 28 days from the latest is the same case, 29 days another', () => {
    const findings = (second: string) => [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', second)];
    expect(report({ findings: findings('2027-06-07') }).total.indicated).toBe(1);
    expect(report({ findings: findings('2027-06-08') }).total.indicated).toBe(2);
  });

  it('two pregnancies of one woman a year apart are two cases, each with its own notice', () => {
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2027-09-20T02:00:00Z', '2028-05-02')],
      acknowledgements: [signed('2026-09-15T02:00:00Z', '2027-05-10')],
    });
    expect(r.cases.map((c) => [c.pregnancy, c.edd, c.status])).toEqual([
      [key('2027-05-10'), '2027-05-10', 'notified-in-time'],
      [key('2028-05-02'), '2028-05-02', 'missing'],
    ]);
  });

  it('a loss record closes the pregnancy: the next EDD within tolerance is a new case', () => {
    const findings = [visit('2026-08-18T02:00:00Z', '2027-05-10'), visit('2026-09-20T02:00:00Z', '2027-06-01')];
    expect(report({ findings }, { from: '2026-08-01' }).total.indicated).toBe(1);
    expect(report({ findings, ends: [{ patientId: PID, on: '2026-08-20' }] }, { from: '2026-08-01' }).total.indicated).toBe(2);
  });

  it('an EHR that starts sending its EpisodeOfCare: the episode call joins the EDD case; a sighting of another institution links them too', () => {
    const episodeCall = visit('2026-10-12T02:00:00Z', '2027-05-14', { pregnancyKey: 'EpisodeOfCare/eoc-zhao-1' });
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), episodeCall],
      // the notice of the episode call, signed; a later call (no finding) revised the EDD again
      acknowledgements: [{ noticeId: 'n-eoc', signedAt: '2026-10-12T03:00:00Z', patientId: PID, pregnancyKey: 'EpisodeOfCare/eoc-zhao-1' }],
      sightings: [{ patientId: PID, pregnancyKey: 'EpisodeOfCare/eoc-zhao-1', edd: '2027-05-18', receivedAt: '2026-11-20T02:00:00Z' }],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1 });
    expect(r.cases[0]).toMatchObject({ pregnancy: key('2027-05-10'), edd: '2027-05-18', status: 'notified-late' });
  });

  it('a call without an EDD or key keeps the patient id as its pregnancy, as before', () => {
    const r = report({ findings: [visit('2026-09-14T02:00:00Z', '2027-05-10', { pregnancyKey: undefined, edd: undefined })] });
    expect(r.cases.map((c) => [c.pregnancy, c.edd])).toEqual([[PID, null]]);
  });
});
