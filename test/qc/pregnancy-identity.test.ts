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

describe('ends, episodes and missing EDDs', () => {
  it('an early loss closes the pregnancy: a new EDD within tolerance but conceived after it is a new pregnancy', () => {
    const sightings = [
      call('2026-08-18T09:00:00+08:00', '2027-05-10'),
      // LMP 2026-08-25, after the loss
      call('2026-09-20T09:00:00+08:00', '2027-06-01'),
      // a stale call after the loss, still carrying the old EDD: the old pregnancy
      call('2026-09-21T09:00:00+08:00', '2027-05-10'),
    ];
    const ends = [{ patientId: P, on: '2026-08-20' }];
    const ix = resolvePregnancies(sightings, { ...opts, ends });
    expect(ix.all().map((p) => [p.id, p.endedOn])).toEqual([
      [key('2027-05-10'), '2026-08-20'],
      [key('2027-06-01'), undefined],
    ]);
    expect(ix.of({ patientId: P, edd: '2027-05-10' })).toBe(key('2027-05-10'));
    // without the end they are one pregnancy (22 days apart)
    expect(resolvePregnancies(sightings, opts).all()).toHaveLength(1);
  });

  it('a delivery (partial date: its first day) closes the window; a later call opens the next pregnancy', () => {
    const ix = resolvePregnancies([call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2027-08-01T09:00:00+08:00', '2028-04-20')], {
      ...opts,
      ends: [{ patientId: P, on: '2027-05' }],
    });
    expect(ix.get(key('2027-05-10'))?.endedOn).toBe('2027-05-01');
    expect(ix.on(P, '2027-05-01')?.id).toBe(key('2027-05-10'));
    expect(ix.on(P, '2027-05-02')).toBeUndefined();
    expect(ix.on(P, '2027-07-10')?.id).toBe(key('2028-04-20'));
  });

  it('window without an end: LMP of the first EDD − 14 d to the latest EDD + 42 d', () => {
    const ix = resolvePregnancies([call('2026-09-01T09:00:00+08:00', '2027-05-10'), call('2026-10-01T09:00:00+08:00', '2027-05-16')], opts);
    // LMP of 2027-05-10 is 2026-08-03
    expect(ix.on(P, '2026-07-20')?.id).toBe(key('2027-05-10'));
    expect(ix.on(P, '2026-07-19')).toBeUndefined();
    expect(ix.on(P, '2027-06-27')?.id).toBe(key('2027-05-10'));
    expect(ix.on(P, '2027-06-28')).toBeUndefined();
    expect(ix.on('p-wang-fang', '2027-01-01')).toBeUndefined();
  });

  it('an EHR that starts sending its EpisodeOfCare mid-pregnancy does not split the case', () => {
    const ix = resolvePregnancies(
      [
        call('2026-09-01T09:00:00+08:00', '2027-05-10'),
        call('2026-10-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-7', edd: '2027-05-14' }),
        call('2026-11-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-7' }),
      ],
      opts,
    );
    expect(ix.all()).toEqual([expect.objectContaining({ id: key('2027-05-10'), episode: 'EpisodeOfCare/eoc-7', edd: '2027-05-14' })]);
    expect(ix.of({ patientId: P, pregnancyKey: 'EpisodeOfCare/eoc-7' })).toBe(key('2027-05-10'));
  });

  it('an episode from the start is the id; a far EDD under the same episode stays in it', () => {
    const ix = resolvePregnancies(
      [
        call('2026-09-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-3' }),
        call('2026-10-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-3', edd: '2027-04-01' }),
        call('2026-11-01T09:00:00+08:00', undefined, { pregnancyKey: 'EpisodeOfCare/eoc-3', edd: '2027-05-20' }),
      ],
      opts,
    );
    expect(ix.all()).toEqual([expect.objectContaining({ id: 'EpisodeOfCare/eoc-3', firstEdd: '2027-04-01', edd: '2027-05-20' })]);
    // an EDD-only call after the episode was finished continues it
    expect(ix.of({ patientId: P, pregnancyKey: key('2027-05-22'), edd: '2027-05-22' })).toBe('EpisodeOfCare/eoc-3');
  });

  it('two women of one EHR whose records carry the same episode id are two cases, the second keyed with her patient', () => {
    const other = 'p-li-na';
    const ix = resolvePregnancies(
      [
        call('2026-09-01T09:00:00+08:00', '2027-04-01', { pregnancyKey: 'EpisodeOfCare/eoc-pregnancy-1' }),
        call('2026-09-02T09:00:00+08:00', '2027-06-11', { patientId: other, pregnancyKey: 'EpisodeOfCare/eoc-pregnancy-1' }),
        call('2026-10-02T09:00:00+08:00', '2027-06-11', { patientId: other, pregnancyKey: 'EpisodeOfCare/eoc-pregnancy-1' }),
      ],
      opts,
    );
    expect(ix.all().map((p) => [p.patientId, p.id])).toEqual([
      [other, 'EpisodeOfCare/eoc-pregnancy-1|Patient/p-li-na'],
      [P, 'EpisodeOfCare/eoc-pregnancy-1'],
    ]);
    expect(ix.of({ patientId: other, pregnancyKey: 'EpisodeOfCare/eoc-pregnancy-1', edd: '2027-06-11' })).toBe(
      'EpisodeOfCare/eoc-pregnancy-1|Patient/p-li-na',
    );
    expect(ix.of({ patientId: P, pregnancyKey: 'EpisodeOfCare/eoc-pregnancy-1' })).toBe('EpisodeOfCare/eoc-pregnancy-1');
  });

  it('missing EDD and no key: the patient id, as before; no patient: the raw key or nothing', () => {
    const ix = resolvePregnancies([call('2026-09-01T09:00:00+08:00')], opts);
    expect(ix.all()).toEqual([]);
    expect(ix.of({ patientId: P })).toBe(P);
    expect(ix.of({})).toBeUndefined();
    expect(ix.of({ pregnancyKey: 'EpisodeOfCare/eoc-9' })).toBe('EpisodeOfCare/eoc-9');
    // a legacy row without edd: the EDD and the patient are read from its key
    expect(ix.of({ pregnancyKey: key('2027-05-10') })).toBe(key('2027-05-10'));
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
