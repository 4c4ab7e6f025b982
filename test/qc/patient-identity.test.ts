import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { patientMrn } from '../../src/clinical/patient-mrn.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { identityPresenter, pseudonym, seesIdentity } from '../../src/qc/patient-identity.js';

/** Who sees which patient identity in QC, and which identifier is her record number (docs/design.md#patient-identity). */

const MRN = 'https://hospital.example.cn/fhir/sid/mrn';
const ID_CARD = 'urn:oid:2.16.156.10011.1.3';
const HEALTH_CARD = 'urn:oid:2.16.156.10011.1.19';
const KEY = Buffer.from('省级质控-pseudonym-key-0123456789abcdef', 'utf8');
const OTHER_KEY = Buffer.from('another-province-key-0123456789abcdef', 'utf8');

const patient = (identifier: Patient['identifier']): Patient => ({
  resourceType: 'Patient',
  id: 'p-zhang-li-1989',
  name: [{ use: 'official', text: '张丽', family: '张', given: ['丽'] }],
  ...(identifier ? { identifier } : {}),
});

describe('patientMrn: her record number among her identifiers', () => {
  const idCard = { system: ID_CARD, value: '330106198903150028', type: { text: '居民身份证' } };
  const healthCard = { system: HEALTH_CARD, value: 'HC-3301-0619-8903', type: { text: '居民健康卡' } };

  it.each([
    [
      'the one of MRN_SYSTEM among 身份证 and a health card',
      [idCard, { system: MRN, value: 'ZY-2026-000387' }, healthCard],
      'ZY-2026-000387',
    ],
    [
      'official before an earlier secondary one',
      [
        idCard,
        { system: MRN, value: 'ZY-TMP-11', use: 'secondary' as const },
        { system: MRN, value: 'ZY-2026-000387', use: 'official' as const },
      ],
      'ZY-2026-000387',
    ],
    [
      'usual before an earlier one without use',
      [
        { system: MRN, value: 'ZY-TMP-11' },
        { system: MRN, value: 'ZY-2026-000388', use: 'usual' as const },
      ],
      'ZY-2026-000388',
    ],
    [
      'an old one and one whose period ended are passed over',
      [
        { system: MRN, value: 'ZY-2019-000001', use: 'official' as const, period: { end: '2025-12-31' } },
        { system: MRN, value: 'ZY-2010-000002', use: 'old' as const },
        { system: MRN, value: ' ZY-2026-000389 ' },
      ],
      'ZY-2026-000389',
    ],
    ['none current: the first', [{ system: MRN, value: 'ZY-2010-000002', use: 'old' as const }], 'ZY-2010-000002'],
    [
      'a blank value is skipped',
      [
        { system: MRN, value: '  ', use: 'official' as const },
        { system: MRN, value: 'ZY-2026-000390' },
      ],
      'ZY-2026-000390',
    ],
    ['none of the system', [idCard, healthCard], undefined],
    ['no identifiers', undefined, undefined],
  ])('%s', (_name, identifiers, expected) => {
    expect(patientMrn(patient(identifiers), MRN)).toBe(expected);
  });

  it('no MRN_SYSTEM configured, or no Patient: none', () => {
    expect(patientMrn(patient([{ system: MRN, value: 'ZY-2026-000387' }]), undefined)).toBeUndefined();
    expect(patientMrn(undefined, MRN)).toBeUndefined();
  });
});

describe('identityPresenter', () => {
  const c = {
    pregnancy: 'Patient/p-zhang-li-1989|2027-05-10',
    patient: 'p-zhang-li-1989',
    mrn: 'ZY-2026-000387',
    institution: 'org-hz-demo-mch',
    status: 'missing',
  };

  it('an institution token and a province token with seesMrn see the case as stored', () => {
    for (const reader of [{ role: 'institution' as const }, { role: 'province' as const, seesMrn: true }]) {
      expect(seesIdentity(reader)).toBe(true);
      const p = identityPresenter(reader);
      expect(p.identified).toBe(true);
      expect(p.case(c)).toEqual(c);
      expect(p.patient('p-zhang-li-1989')).toBe('p-zhang-li-1989');
      expect(p.references('p-zhang-li-1989', ['Patient/p-zhang-li-1989'])).toEqual(['Patient/p-zhang-li-1989']);
    }
  });

  it('a province token without it sees a pseudonym for the patient, no MRN, the pregnancy pseudonymised with its EDD', () => {
    const reader = { role: 'province' as const };
    expect(seesIdentity(reader)).toBe(false);
    expect(seesIdentity({ role: 'province', seesMrn: false })).toBe(false);
    const shown = identityPresenter(reader, KEY).case(c);
    expect(shown.patient).toMatch(/^P-[A-Z2-7]{16}$/);
    expect(shown).toEqual({ ...c, patient: shown.patient, mrn: null, pregnancy: `${shown.patient}|2027-05-10` });
    expect(JSON.stringify(shown)).not.toContain('zhang');
    expect(JSON.stringify(shown)).not.toContain('ZY-2026');
  });

  it('the pseudonym is HMAC-SHA-256 of the id: stable, different per patient and per key, not the id', () => {
    expect(pseudonym('p-zhang-li-1989', KEY)).toBe(pseudonym('p-zhang-li-1989', Buffer.from(KEY)));
    expect(pseudonym('p-zhang-li-1989', KEY)).not.toBe(pseudonym('p-li-na-1987', KEY));
    expect(pseudonym('p-zhang-li-1989', KEY)).not.toBe(pseudonym('p-zhang-li-1989', OTHER_KEY));
    // A fixed vector (RFC 4648 base32 of the HMAC, checked against Python's hmac + base64): a change of
    // algorithm or encoding would silently re-key every report.
    expect(pseudonym('p-zhang-li-1989', Buffer.from('k'.repeat(32)))).toBe('P-5OPGBJGRQ72KB42T');
  });

  it.each([
    ['a key without "Patient/"', 'p-zhang-li-1989|2027-05-10', /^P-[A-Z2-7]{16}\|2027-05-10$/],
    ['the patient id itself', 'p-zhang-li-1989', /^P-[A-Z2-7]{16}$/],
    ['an EpisodeOfCare', 'EpisodeOfCare/eoc-p-zhang-li-1989-2026', /^P-[A-Z2-7]{16}\|E-[A-Z2-7]{10}$/],
    ['a key whose tail is not an EDD', 'Patient/p-zhang-li-1989|p-zhang-li-1989', /^P-[A-Z2-7]{16}\|E-[A-Z2-7]{10}$/],
  ])('pregnancy as %s', (_name, pregnancy, shape) => {
    const shown = identityPresenter({ role: 'province' }, KEY).case({ ...c, pregnancy });
    expect(shown.pregnancy).toMatch(shape);
    expect(shown.pregnancy.startsWith(shown.patient)).toBe(true);
    expect(shown.pregnancy).not.toContain('zhang');
  });

  it('evidence: her Patient reference pseudonymised, another naming her id replaced, the rest kept', () => {
    const p = identityPresenter({ role: 'province' }, KEY);
    const refs = p.references('p-zhang-li-1989', ['Patient/p-zhang-li-1989', 'Observation/edd-p-zhang-li-1989', 'Observation/afi-1']);
    expect(refs[0]).toBe(`Patient/${pseudonym('p-zhang-li-1989', KEY)}`);
    expect(refs[1]).toMatch(/^Observation\/R-[A-Z2-7]{10}$/);
    expect(refs[2]).toBe('Observation/afi-1');
    expect(p.patient(null)).toBeNull();
    expect(p.references(null, ['Observation/afi-1'])).toEqual(['Observation/afi-1']);
  });

  it('a pseudonymising presenter without its key is a bug, never a reason to show ids', () => {
    expect(() => identityPresenter({ role: 'province' })).toThrow(TypeError);
    expect(() => identityPresenter({ role: 'province' }, new Uint8Array())).toThrow(TypeError);
  });
});

describe('configuration', () => {
  it('QC_PSEUDONYM_SECRET shorter than 32 bytes is refused without quoting it; 32 bytes (UTF-8) are enough', () => {
    const short = '省级质控密钥-short-9f8e7d';
    let err: unknown;
    try {
      loadConfig({ QC_PSEUDONYM_SECRET: short });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^QC_PSEUDONYM_SECRET: must be at least 32 bytes/);
    expect((err as Error).message).not.toContain(short);
    expect(JSON.stringify(err)).not.toContain('9f8e7d');
    // 11 CJK characters are 33 bytes.
    expect(loadConfig({ QC_PSEUDONYM_SECRET: '浙江省产前诊断质控密钥' }).qcPseudonymSecret).toBe('浙江省产前诊断质控密钥');
    expect(loadConfig({ QC_PSEUDONYM_SECRET: '  ' }).qcPseudonymSecret).toBeUndefined();
  });

  it('seesMrn is for a province token only', () => {
    const province = { 'province-token-0123456789': { role: 'province', seesMrn: true } };
    expect(loadConfig({ QC_TOKENS: JSON.stringify(province) }).qcTokens['province-token-0123456789']).toEqual(
      province['province-token-0123456789'],
    );
    const institution = { 'org-1-token-0123456789ab': { role: 'institution', institution: 'org-1', seesMrn: true } };
    expect(() => loadConfig({ QC_TOKENS: JSON.stringify(institution) })).toThrow(/seesMrn/);
  });
});
