import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolvePregnancies, type PregnancySighting } from '../../src/qc/pregnancy-identity.js';

const P = 'p-zhang-xiu-ying';
const key = (edd: string, patient = P) => `Patient/${patient}|${edd}`;
const call = (receivedAt: string, edd?: string, over: Partial<PregnancySighting> = {}): PregnancySighting => ({
  patientId: P,
  receivedAt,
  ...(edd ? { edd, pregnancyKey: key(edd) } : {}),
  ...over,
});
const opts = { toleranceDays: 28, timeZone: 'Asia/Shanghai' };

describe('resolvePregnancies', () => {
  it('EDD revised once: one pregnancy, its id the first key, its EDD the latest', () => {
    const ix = resolvePregnancies([call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2026-10-08T10:00:00+08:00', '2027-05-16')], opts);
    expect(ix.of({ patientId: P, pregnancyKey: key('2027-05-16'), edd: '2027-05-16' })).toBe(key('2027-05-10'));
    expect(ix.of({ patientId: P, pregnancyKey: key('2027-05-10') })).toBe(key('2027-05-10'));
    expect(ix.get(key('2027-05-10'))).toEqual({
      id: key('2027-05-10'),
      patientId: P,
      edd: '2027-05-16',
      firstEdd: '2027-05-10',
      firstSeenAt: '2026-09-01T09:00:00+08:00',
    });
    expect(ix.all()).toHaveLength(1);
  });

  it('EDD revised twice, drifting 20 + 20 days: still one (tolerance against the latest EDD, not the first)', () => {
    const ix = resolvePregnancies(
      [
        call('2026-09-01T09:00:00+08:00', '2027-05-10'),
        call('2026-10-01T09:00:00+08:00', '2027-05-30'),
        call('2026-11-01T09:00:00+08:00', '2027-06-19'),
      ],
      opts,
    );
    expect(ix.all()).toHaveLength(1);
    expect(ix.all()[0]).toMatchObject({ edd: '2027-06-19', firstEdd: '2027-05-10' });
  });

  it('boundary: 28 days from the latest EDD joins, 29 opens another pregnancy', () => {
    const joined = resolvePregnancies(
      [call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2026-10-01T09:00:00+08:00', '2027-06-07')],
      opts,
    );
    expect(joined.all()).toHaveLength(1);
    const split = resolvePregnancies(
      [call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2026-10-01T09:00:00+08:00', '2027-06-08')],
      opts,
    );
    expect(split.all().map((p) => p.id)).toEqual([key('2027-05-10'), key('2027-06-08')]);
  });

  it('two pregnancies a year apart are two', () => {
    const ix = resolvePregnancies([call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2027-09-20T09:00:00+08:00', '2028-05-02')], opts);
    expect(ix.all()).toHaveLength(2);
    expect(ix.on(P, '2027-03-01')?.id).toBe(key('2027-05-10'));
    expect(ix.on(P, '2028-04-30')?.id).toBe(key('2028-05-02'));
  });
});

describe('input order', () => {
  it('any order of the same sightings gives the same pregnancies', () => {
    const sightings = [
      call('2026-09-01T09:00:00+08:00', '2027-05-10'),
      call('2026-10-01T09:00:00+08:00', '2027-05-16'),
      call('2026-11-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-1', edd: '2027-05-18' }),
      call('2026-12-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-1' }),
      call('2027-09-20T09:00:00+08:00', '2028-05-02'),
      call('2026-09-05T09:00:00+08:00', '2027-06-01', { patientId: 'p-li-na', pregnancyKey: key('2027-06-01', 'p-li-na') }),
    ];
    const expected = resolvePregnancies(sightings, opts).all();
    expect(expected).toHaveLength(3);
    fc.assert(
      fc.property(fc.shuffledSubarray(sightings, { minLength: sightings.length, maxLength: sightings.length }), (shuffled) => {
        expect(resolvePregnancies(shuffled, opts).all()).toEqual(expected);
      }),
    );
  });
});
