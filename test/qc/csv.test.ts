import { describe, expect, it } from 'vitest';
import { casesCsv, rowsCsv } from '../../src/qc/csv.js';

/** The compliance report's CSV documents (the writer itself: test/csv). */
describe('compliance CSV', () => {
  it('rows with the total last and null rates empty', () => {
    const zero = { indicated: 0, notified: 0, notifiedInTime: 0, rate: null, inTimeRate: null };
    expect(rowsCsv([], zero)).toBe('\uFEFFkey,indicated,notified,notifiedInTime,rate,inTimeRate\r\ntotal,0,0,0,,\r\n');
  });

  it('cases with rules joined by ";", null as empty and a guarded, quoted institution', () => {
    const csv = casesCsv([
      {
        pregnancy: 'Patient/p|2025-10-01',
        patient: 'Patient/p',
        institution: '=杭州,妇幼',
        practitioner: null,
        rules: ['ama', 'nt'],
        firstIndicatedAt: '2025-06-01T08:00:00.000Z',
        noticeAt: null,
        acknowledgedAt: null,
        status: 'missing',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe('Patient/p|2025-10-01,Patient/p,"\'=杭州,妇幼",,ama;nt,2025-06-01T08:00:00.000Z,,,missing');
  });
});
