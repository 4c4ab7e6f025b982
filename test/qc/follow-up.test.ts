import { describe, expect, it } from 'vitest';
import type { FollowUpKind } from '../../src/clinical/data-elements/follow-up-events.js';
import { ART25_NOTICE_RULE_IDS } from '../../src/engine/rule-ids.js';
import type { AcknowledgementFact, ComplianceInput, FindingFact } from '../../src/qc/compliance-types.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import type { FollowUpFact, FollowUpOptions, FollowUpReport } from '../../src/qc/follow-up-types.js';

/**
 * The follow-up funnel (docs/design.md#follow-up) on hand-built audit rows with known answers,
 * CLINIC_TIMEZONE Asia/Shanghai: indicated and signed from notification compliance's rows, the other
 * stages from the follow-up events hook calls observed.
 */
const TZ = 'Asia/Shanghai';
let seq = 0;

const key = (patient: string, edd: string) => `Patient/${patient}|${edd}`;

/** A referral-rule finding of a call at 10:00 Shanghai on `day`. */
function finding(patient: string, edd: string, day: string, org = 'org-1', rule = 'ama'): FindingFact {
  return {
    hookCallId: `call-${(seq += 1)}`,
    receivedAt: `${day}T10:00:00+08:00`,
    institutionId: org,
    patientId: patient,
    pregnancyKey: key(patient, edd),
    edd,
    rule,
  };
}

function ack(patient: string, edd: string, day: string, decision: string): AcknowledgementFact {
  return {
    noticeId: `n-${(seq += 1)}`,
    signedAt: `${day}T11:00:00+08:00`,
    patientId: patient,
    pregnancyKey: key(patient, edd),
    edd,
    decision,
  };
}

/** An event seen by a call on `seenOn` (with the pregnancy key of that call when given). */
function event(patient: string, kind: FollowUpKind, on: string, seenOn: string, extra: Partial<FollowUpFact> = {}): FollowUpFact {
  return {
    kind,
    reference:
      extra.reference ??
      `${kind === 'referral' ? 'ServiceRequest' : kind === 'procedure' ? 'Procedure' : kind === 'result' ? 'DiagnosticReport' : kind === 'outcome' ? 'Condition' : 'Observation'}/${patient}-${kind}-${on}`,
    on,
    day: on.slice(0, 10),
    receivedAt: `${seenOn}T09:00:00+08:00`,
    patientId: patient,
    institutionId: 'org-1',
    ...extra,
  };
}

function run(compliance: Partial<ComplianceInput>, events: FollowUpFact[], opts: Partial<FollowUpOptions> = {}): FollowUpReport {
  return computeFollowUp(
    { compliance: { findings: [], cards: [], feedback: [], acknowledgements: [], ...compliance }, events },
    {
      from: '2026-10-01',
      to: '2026-12-31',
      groupBy: 'institution',
      timeZone: TZ,
      today: '2027-03-01',
      deadlineDays: 7,
      referralRules: ART25_NOTICE_RULE_IDS,
      diagnosisDays: 28,
      ...opts,
    },
  );
}

const STAGES = ['notified', 'signed', 'referred', 'procedure', 'result', 'outcome'] as const;

describe('the funnel, each stage missing in turn', () => {
  // Six women indicated on 2026-11-02, EDD 2027-05-10; woman i lacks stage i, has every other one.
  const patients = STAGES.map((s) => `p-missing-${s}`);
  const findings = patients.map((p) => finding(p, '2027-05-10', '2026-11-02'));
  const acknowledgements = patients.flatMap((p, i) =>
    STAGES[i] === 'notified' || STAGES[i] === 'signed' ? [] : [ack(p, '2027-05-10', '2026-11-03', 'accepted-referral')],
  );
  const events = patients.flatMap((p, i) => [
    ...(STAGES[i] === 'referred' ? [] : [event(p, 'referral', '2026-11-03', '2026-11-03')]),
    ...(STAGES[i] === 'procedure' ? [] : [event(p, 'procedure', '2026-11-20', '2026-11-25', { detail: 'amniocentesis' })]),
    ...(STAGES[i] === 'result' ? [] : [event(p, 'result', '2026-12-05T14:30:00+08:00', '2026-12-10', { detail: 'karyotype' })]),
    ...(STAGES[i] === 'outcome' ? [] : [event(p, 'outcome', '2027-05-08', '2027-05-20')]),
  ]);
  // `notified` without an acknowledgement: an observed notice Communication (not signed).
  const communications = [
    {
      patientId: 'p-missing-signed',
      pregnancyKey: key('p-missing-signed', '2027-05-10'),
      edd: '2027-05-10',
      at: '2026-11-04T09:00:00+08:00',
    },
  ];

  it('counts every stage on its own: 6 indicated, 5 of each stage', () => {
    const r = run({ findings, acknowledgements, communications }, events, { today: '2027-06-01' });
    expect(r.total).toEqual({
      indicated: 6,
      notified: 5,
      signed: 4,
      accepted: 4,
      declined: 0,
      postponed: 0,
      referred: 5,
      procedure: 5,
      result: 5,
      outcome: 5,
    });
    expect(r.rows).toEqual([{ key: 'org-1', ...r.total }]);
    // Only the woman with neither procedure nor result would be undiagnosed: none here.
    expect(r.undiagnosed).toEqual([]);
  });

  it('a record seen by several calls counts once; a pregnancy with only a result is diagnosed', () => {
    const seenTwice = [event('p-x', 'result', '2026-11-30', '2026-12-01'), event('p-x', 'result', '2026-11-30', '2026-12-20')];
    const r = run({ findings: [finding('p-x', '2027-05-10', '2026-11-02')] }, seenTwice);
    expect(r.total.result).toBe(1);
    expect(r.undiagnosed).toEqual([]);
  });
});

describe('undiagnosed: due by the earlier of 28 days and GA 24+0', () => {
  // EDD 2027-06-30 → LMP 2026-09-23, 24+0 = 2027-03-10: the 28-day limit (2026-12-08) is earlier.
  // EDD 2027-04-20 → 24+0 = 2026-12-29: earlier than 2026-12-20 + 28 = 2027-01-17.
  const findings = [finding('p-days', '2027-06-30', '2026-11-10'), finding('p-ga', '2027-04-20', '2026-12-20', 'org-2', 'fetal-anomaly')];
  const acknowledgements = [ack('p-days', '2027-06-30', '2026-11-11', 'declined')];

  it('lists both with their limit, most overdue first, with the furthest stage', () => {
    const r = run({ findings, acknowledgements }, []);
    expect(r.undiagnosed).toEqual([
      {
        pregnancy: key('p-days', '2027-06-30'),
        patient: 'p-days',
        institution: 'org-1',
        reason: 'indicated',
        rules: ['ama'],
        indicatedAt: '2026-11-10T02:00:00.000Z',
        edd: '2027-06-30',
        diagnosisDueBy: '2026-12-08',
        overdueDays: 83,
        stage: 'signed',
      },
      {
        pregnancy: key('p-ga', '2027-04-20'),
        patient: 'p-ga',
        institution: 'org-2',
        reason: 'indicated',
        rules: ['fetal-anomaly'],
        indicatedAt: '2026-12-20T02:00:00.000Z',
        edd: '2027-04-20',
        diagnosisDueBy: '2026-12-29',
        overdueDays: 62,
        stage: 'indicated',
      },
    ]);
    expect(r.total).toMatchObject({ indicated: 2, notified: 1, signed: 1, declined: 1, accepted: 0 });
  });

  it.each([
    ['2026-12-07', -1],
    ['2026-12-08', 0],
    ['2026-12-09', 1],
  ])('28-day boundary: on %s overdueDays is %i', (today, overdue) => {
    const r = run({ findings: [findings[0]!] }, [], { today });
    expect(r.undiagnosed.map((u) => [u.diagnosisDueBy, u.overdueDays])).toEqual([['2026-12-08', overdue]]);
  });

  it.each([
    ['2027-04-21', '2026-12-30'],
    ['2027-04-20', '2026-12-29'],
    ['2027-06-30', '2027-01-17'],
  ])('GA 24+0 boundary: EDD %s → due %s', (edd, due) => {
    const r = run({ findings: [finding('p-b', edd, '2026-12-20')] }, [], { today: '2026-12-20' });
    expect(r.undiagnosed[0]?.diagnosisDueBy).toBe(due);
  });

  it('sorted by urgency: days left after the overdue, the nearest first', () => {
    const r = run(
      {
        findings: [
          finding('p-1', '2027-08-01', '2026-12-01'),
          finding('p-2', '2027-08-01', '2026-12-10'),
          finding('p-3', '2027-08-01', '2026-11-01'),
        ],
      },
      [],
      {
        today: '2026-12-05',
      },
    );
    expect(r.undiagnosed.map((u) => [u.patient, u.overdueDays])).toEqual([
      ['p-3', 6],
      ['p-1', -24],
      ['p-2', -33],
    ]);
  });
});

describe('attribution to the right pregnancy', () => {
  it('a delivery seen by a call after it (no pregnancy key on that call) belongs to the pregnancy it ended', () => {
    const r = run({ findings: [finding('p-del', '2027-01-05', '2026-10-08')] }, [
      event('p-del', 'procedure', '2026-10-20', '2026-10-21'),
      event('p-del', 'outcome', '2027-01-03', '2027-02-15', { reference: 'Procedure/cs-1', detail: 'delivery' }),
    ]);
    expect(r.total).toMatchObject({ indicated: 1, procedure: 1, outcome: 1 });
  });

  it("two pregnancies of one woman: the first's amniocentesis and delivery do not count for the second", () => {
    const findings = [finding('p-two', '2026-03-01', '2025-09-01'), finding('p-two', '2027-06-01', '2026-11-15')];
    const events = [
      event('p-two', 'procedure', '2025-09-20', '2025-09-25'),
      event('p-two', 'outcome', '2026-02-27', '2026-11-15'),
      event('p-two', 'referral', '2026-11-16', '2026-11-20'),
    ];
    const r = run({ findings }, events, { from: '2025-08-01', to: '2026-12-31' });
    expect(r.undiagnosed.map((u) => [u.pregnancy, u.stage])).toEqual([[key('p-two', '2027-06-01'), 'referred']]);
    expect(r.total).toMatchObject({ indicated: 2, referred: 1, procedure: 1, outcome: 1 });
  });
});

describe('NIPT (Art. 29)', () => {
  const findings = [
    finding('p-nipt-hr', '2027-05-20', '2026-10-05'),
    finding('p-nipt-lr', '2027-01-10', '2026-10-05'),
    finding('p-nipt-done', '2027-01-10', '2026-10-05'),
  ];
  const events = [
    event('p-nipt-hr', 'nipt-high-risk', '2026-11-05', '2026-11-08', {
      institution: 'org-nipt-lab',
      receivedAt: '2026-11-08T09:00:00+08:00',
    }),
    event('p-nipt-lr', 'nipt-low-risk', '2026-10-10', '2026-10-12'),
    event('p-nipt-done', 'nipt-low-risk', '2026-10-10', '2026-10-12'),
    event('p-nipt-done', 'outcome', '2027-01-08', '2027-02-01'),
  ];
  // Only the NIPT women: no referral finding (a high-risk NIPT without an indication on file).
  const sightings = findings.map((f) => ({ patientId: f.patientId, pregnancyKey: f.pregnancyKey, edd: f.edd, receivedAt: f.receivedAt }));

  it('lists a high-risk NIPT without invasive diagnosis and an NIPT without outcome after EDD + 42', () => {
    const r = run({ sightings }, events);
    expect(r.nipt).toEqual([
      {
        pregnancy: key('p-nipt-hr', '2027-05-20'),
        patient: 'p-nipt-hr',
        institution: 'org-nipt-lab',
        kind: 'high-risk-undiagnosed',
        niptOn: '2026-11-05',
        edd: '2027-05-20',
        dueBy: '2026-12-03',
      },
      {
        pregnancy: key('p-nipt-lr', '2027-01-10'),
        patient: 'p-nipt-lr',
        institution: 'org-1',
        kind: 'no-outcome',
        niptOn: '2026-10-10',
        edd: '2027-01-10',
        dueBy: '2027-02-21',
      },
    ]);
    expect(r.undiagnosed).toEqual([
      expect.objectContaining({
        patient: 'p-nipt-hr',
        reason: 'nipt-high-risk',
        rules: [],
        diagnosisDueBy: '2026-12-03',
        overdueDays: 88,
        stage: null,
      }),
    ]);
    // exactly the fields of an undiagnosed case (the NIPT's date is its indicatedAt, not a niptOn beside it)
    expect(Object.keys(r.undiagnosed[0]!).sort()).toEqual(
      ['diagnosisDueBy', 'edd', 'indicatedAt', 'institution', 'overdueDays', 'patient', 'pregnancy', 'reason', 'rules', 'stage'].sort(),
    );
    expect(r.total.indicated).toBe(0);
  });

  it('no outcome is not due before EDD + 42 days; an invasive diagnosis clears the high-risk NIPT', () => {
    const diagnosed = [...events, event('p-nipt-hr', 'procedure', '2026-11-20', '2026-11-21', { detail: 'amniocentesis' })];
    const r = run({ sightings }, diagnosed, { today: '2027-02-21' });
    expect(r.nipt).toEqual([]);
    expect(r.undiagnosed).toEqual([]);
  });
});

describe('groupBy month', () => {
  it('groups by the month of the indication in the clinic zone', () => {
    // 2026-10-31T17:00Z is 2026-11-01 01:00 in Shanghai.
    const late = { ...finding('p-m2', '2027-06-01', '2026-10-31'), receivedAt: '2026-10-31T17:00:00Z' };
    const r = run({ findings: [finding('p-m1', '2027-06-01', '2026-10-15'), late] }, [], { groupBy: 'month' });
    expect(r.rows.map((x) => [x.key, x.indicated])).toEqual([
      ['2026-10', 1],
      ['2026-11', 1],
    ]);
  });
});
