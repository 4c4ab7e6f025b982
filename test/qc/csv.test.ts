import { describe, expect, it } from 'vitest';
import { casesCsv, rowsCsv } from '../../src/qc/csv.js';

/** The compliance report's CSV documents (the writer itself: test/csv). */
describe('compliance CSV', () => {
  it('rows with the total last and null rates empty', () => {
    const zero = {
      indicated: 1,
      due: 0,
      notified: 0,
      notifiedInTime: 0,
      rate: null,
      inTimeRate: null,
      pending: 1,
      noticeIssued: 0,
      missing: 0,
      declined: 0,
      postponed: 0,
    };
    expect(rowsCsv([], zero)).toBe(
      '\uFEFFkey,indicated,due,notified,notifiedInTime,rate,inTimeRate,pending,noticeIssued,missing,declined,postponed\r\ntotal,1,0,0,0,,,1,0,0,0,0\r\n',
    );
  });

  it('cases with rules joined by ";", null as empty and a guarded, quoted institution', () => {
    const csv = casesCsv([
      {
        pregnancy: 'Patient/p|2025-10-01',
        patient: 'Patient/p',
        mrn: 'ZY-0012345',
        edd: '2025-10-05',
        institution: '=杭州,妇幼',
        practitioner: null,
        rules: ['ama', 'nt'],
        firstIndicatedAt: '2025-06-01T08:00:00.000Z',
        dueBy: '2025-06-08',
        noticeAt: null,
        noticeIssuedAt: '2025-06-02T08:00:00.000Z',
        acknowledgedAt: null,
        decision: null,
        status: 'notice-issued',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(
      'Patient/p|2025-10-01,Patient/p,ZY-0012345,2025-10-05,"\'=杭州,妇幼",,ama;nt,2025-06-01T08:00:00.000Z,2025-06-08,,2025-06-02T08:00:00.000Z,,,notice-issued',
    );
  });
});
