import { describe, expect, it } from 'vitest';
import { computeCompliance } from '../../src/qc/compliance.js';
import type { ComplianceInput, ComplianceOptions } from '../../src/qc/compliance-types.js';

/**
 * The case status rules of docs/design.md#case-status on hand-built audit rows (the pure function;
 * the store and HTTP path are in case-status.test.ts). First finding 2026-11-23 10:00 Shanghai:
 * due by 2026-11-30.
 */
const OPTS: ComplianceOptions = {
  from: '2026-11-01',
  to: '2026-11-30',
  groupBy: 'institution',
  timeZone: 'Asia/Shanghai',
  deadlineDays: 7,
  today: '2026-12-05',
  referralRules: ['ama'],
};
const P = 'Patient/p-chen-jing|2027-06-01';
const call = {
  hookCallId: 'h1',
  receivedAt: '2026-11-23T02:00:00Z',
  patientId: 'Patient/p-chen-jing',
  pregnancyKey: P,
  institutionId: 'org-1',
};
const base: ComplianceInput = { findings: [{ ...call, rule: 'ama' }], cards: [], feedback: [], acknowledgements: [] };
const signed = (signedAt: string, decision: string) => ({
  noticeId: 'n1',
  signedAt,
  patientId: 'Patient/p-chen-jing',
  pregnancyKey: P,
  decision,
});
const only = (input: Partial<ComplianceInput>, opts: Partial<ComplianceOptions> = {}) =>
  computeCompliance({ ...base, ...input }, { ...OPTS, ...opts });

describe('case status (pure)', () => {
  it('the due day is the clinic day 7 days after the first finding; on it the case is still pending', () => {
    const r = only({}, { today: '2026-11-30' });
    expect(r.cases[0]).toMatchObject({ dueBy: '2026-11-30', status: 'pending' });
    expect(r.total).toMatchObject({ due: 0, rate: null, pending: 1 });
    expect(only({}, { today: '2026-12-01' }).cases[0]!.status).toBe('missing');
  });

  it('the latest signed decision decides declined / postponed; notified from the earliest signature', () => {
    const r = only({
      acknowledgements: [signed('2026-11-24T02:00:00Z', 'postponed'), signed('2026-12-03T02:00:00Z', 'accepted-referral')],
    });
    expect(r.cases[0]).toMatchObject({ status: 'notified-in-time', noticeAt: '2026-11-24T02:00:00.000Z', decision: 'accepted-referral' });
    const p = only({
      acknowledgements: [signed('2026-11-24T02:00:00Z', 'accepted-referral'), signed('2026-12-03T02:00:00Z', 'postponed')],
    });
    expect(p.cases[0]).toMatchObject({ status: 'postponed', decision: 'postponed' });
    // A postponed case signed in time counts as notified in time.
    expect(p.total).toMatchObject({ due: 1, notified: 1, notifiedInTime: 1, postponed: 1 });
    const d = only({ acknowledgements: [signed('2026-12-02T02:00:00Z', 'declined')] });
    expect(d.cases[0]!.status).toBe('declined');
    expect(d.total).toMatchObject({ notified: 1, notifiedInTime: 0, declined: 1, rate: 1, inTimeRate: 0 });
  });

  it('a signature "undecided" is notified; a clicked suggestion alone is not, even after the deadline', () => {
    expect(only({ acknowledgements: [signed('2026-11-30T15:59:00Z', 'undecided')] }).cases[0]!.status).toBe('notified-in-time');
    expect(only({ acknowledgements: [signed('2026-11-30T16:00:00Z', 'undecided')] }).cases[0]!.status).toBe('notified-late');
    const clicked: Partial<ComplianceInput> = {
      cards: [{ ...call, uuid: 'c1', suggestions: [{ uuid: 's1', kind: 'create:Communication' }] }],
      feedback: [{ cardUuid: 'c1', outcome: 'accepted', acceptedSuggestions: ['s1'], outcomeTimestamp: '2026-11-23T03:00:00Z' }],
    };
    const r = only(clicked);
    expect(r.cases[0]).toMatchObject({ status: 'notice-issued', noticeAt: null, noticeIssuedAt: '2026-11-23T03:00:00.000Z' });
    expect(r.total).toMatchObject({ due: 1, notified: 0, rate: 0, noticeIssued: 1 });
    expect(only(clicked, { today: '2026-11-25' }).total).toMatchObject({ due: 0, rate: null, noticeIssued: 1 });
  });

  it('instants in a case: canonical ones as they are, others rewritten as the day was read (an offset; 24:00; an impossible day, as Date rolls it)', () => {
    const at = (signedAt: string) => only({ acknowledgements: [signed(signedAt, 'undecided')] }).cases[0]!;
    expect(at('2026-11-24T02:00:00.000Z').noticeAt).toBe('2026-11-24T02:00:00.000Z');
    expect(at('2026-11-24T10:00:00+08:00').noticeAt).toBe('2026-11-24T02:00:00.000Z');
    // Canonical in shape but not an instant: rewritten to what instantDay classified (both read it with Date).
    const midnight = at('2026-11-30T24:00:00.000Z');
    expect(midnight).toMatchObject({ noticeAt: '2026-12-01T00:00:00.000Z', status: 'notified-late' });
    const rolled = at('2026-11-31T02:00:00.000Z');
    expect(rolled).toMatchObject({ noticeAt: '2026-12-01T02:00:00.000Z', status: 'notified-late' });
  });

  it('an observed notice Communication is notified, by its observation time', () => {
    const r = only({ communications: [{ patientId: 'Patient/p-chen-jing', pregnancyKey: P, at: '2026-12-01T01:00:00Z' }] });
    expect(r.cases[0]).toMatchObject({ status: 'notified-late', noticeAt: '2026-12-01T01:00:00.000Z', acknowledgedAt: null });
  });
});

describe('what makes a pregnancy indicated', () => {
  it('the Art. 27 notice after a diagnosis is not an Art. 25 indication: a pregnancy with only abnormal-result-notice is no case', async () => {
    const { ART25_NOTICE_RULE_IDS, REFERRAL_RULE_IDS } = await import('../../src/engine/rule-ids.js');
    expect(ART25_NOTICE_RULE_IDS).not.toContain('abnormal-result-notice');
    expect(ART25_NOTICE_RULE_IDS).toEqual(REFERRAL_RULE_IDS.filter((r) => r !== 'abnormal-result-notice'));
    const opts = { referralRules: ART25_NOTICE_RULE_IDS };
    expect(only({ findings: [{ ...call, rule: 'abnormal-result-notice' }] }, opts).cases).toEqual([]);
    expect(
      only(
        {
          findings: [
            { ...call, rule: 'abnormal-result-notice' },
            { ...call, rule: 'ama' },
          ],
        },
        opts,
      ).cases,
    ).toHaveLength(1);
  });
});
