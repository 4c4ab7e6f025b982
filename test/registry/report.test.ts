import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, parsePolicy } from '../../src/clinical/policy.js';
import type { RegistryContents } from '../../src/orders/credential-records.js';
import { registryReport } from '../../src/registry/report.js';
import { NOW, day, yearsAgo } from '../orders/support/fixtures.js';

const cert = (number: string, o: { validTo?: string; lastTraining?: string; technique?: 'prenatal-diagnosis' | 'prenatal-screening' }) => ({
  practitionerId: 'prac-li',
  technique: o.technique ?? ('prenatal-diagnosis' as const),
  number,
  validFrom: '2020-01-01',
  ...(o.validTo ? { validTo: o.validTo } : {}),
  ...(o.lastTraining ? { lastTraining: o.lastTraining } : {}),
});
const licence = (number: string, o: { validTo?: string; lastVerified?: string; validFrom?: string }) => ({
  organizationId: 'org-hz-mch',
  number,
  techniques: ['prenatal-diagnosis' as const],
  validFrom: o.validFrom ?? '2020-01-01',
  ...(o.validTo ? { validTo: o.validTo } : {}),
  ...(o.lastVerified ? { lastVerified: o.lastVerified } : {}),
});

const records: RegistryContents = {
  practitioners: [
    {
      practitionerId: 'prac-li',
      name: '李敏',
      organizationIds: ['org-hz-mch'],
      certificates: [
        cert('C-EXPIRED', { validTo: day(-1), lastTraining: yearsAgo(1) }),
        cert('C-TODAY', { validTo: day(0), lastTraining: yearsAgo(1), technique: 'prenatal-screening' }),
      ],
    },
    {
      practitionerId: 'prac-wang',
      organizationIds: [],
      certificates: [
        { ...cert('C-90', { validTo: day(90), lastTraining: yearsAgo(2) }), practitionerId: 'prac-wang' },
        {
          ...cert('C-91-TRAIN', { validTo: day(91), lastTraining: yearsAgo(2, -1), technique: 'prenatal-screening' }),
          practitionerId: 'prac-wang',
        },
      ],
    },
    {
      practitionerId: 'prac-zhao',
      organizationIds: [],
      certificates: [{ ...cert('C-NOTRAIN', { validTo: '2030-01-01' }), practitionerId: 'prac-zhao' }],
    },
  ],
  organizations: [
    {
      organizationId: 'org-hz-mch',
      name: '杭州市妇幼保健院',
      niptCooperation: [],
      licences: [
        licence('L-OK', { validTo: '2030-01-01', lastVerified: yearsAgo(3) }),
        licence('L-VERIFY', { validTo: '2030-01-01', lastVerified: yearsAgo(3, -1) }),
        licence('L-ENDED', { validTo: day(-30), lastVerified: yearsAgo(5) }),
        licence('L-ISSUED-OLD', { validFrom: yearsAgo(4), validTo: '2030-01-01' }),
      ],
    },
  ],
};

describe('registryReport (ZJ-2023 Art.13, 15, 19)', () => {
  it('sorts certificates and licences into buckets with today/±1 day boundaries', () => {
    const r = registryReport(records, NOW, DEFAULT_POLICY);
    const ids = (bucket: string) => r.items.filter((i) => i.bucket === bucket).map((i) => `${i.number}${i.reason ? `:${i.reason}` : ''}`);
    expect(ids('expired')).toEqual(['L-ENDED', 'C-EXPIRED']);
    expect(ids('expiring')).toEqual(['C-TODAY', 'C-90']);
    // Unknown dates sort first (most urgent), then by days left.
    expect(ids('training-overdue')).toEqual(['C-NOTRAIN:unknown', 'C-91-TRAIN']);
    expect(ids('verification-overdue')).toEqual(['L-ISSUED-OLD', 'L-VERIFY']);
    expect(r.counts).toEqual({ expired: 2, expiring: 2, 'training-overdue': 2, 'verification-overdue': 2 });
    expect(r.items.find((i) => i.number === 'C-EXPIRED')).toMatchObject({
      holder: 'Practitioner/prac-li',
      holderName: '李敏',
      date: day(-1),
      days: -1,
    });
    expect(r.items.find((i) => i.number === 'L-VERIFY')).toMatchObject({ holder: 'Organization/org-hz-mch', days: -1, dueBy: day(-1) });
  });

  it('EXPIRING_WITHIN_DAYS and CERT_TRAINING_YEARS are policy', () => {
    const r = registryReport(records, NOW, parsePolicy({ EXPIRING_WITHIN_DAYS: 91, CERT_TRAINING_YEARS: 3 }));
    expect(r.items.filter((i) => i.bucket === 'expiring').map((i) => i.number)).toEqual(['C-TODAY', 'C-90', 'C-91-TRAIN']);
    expect(r.items.filter((i) => i.bucket === 'training-overdue').map((i) => i.number)).toEqual(['C-NOTRAIN']);
  });

  it('an empty registry gives an empty report', () => {
    expect(registryReport({ practitioners: [], organizations: [] }, NOW, DEFAULT_POLICY)).toMatchObject({ items: [], today: '2025-06-15' });
  });
});
