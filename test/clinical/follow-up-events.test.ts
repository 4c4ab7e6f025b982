import type { Condition, DiagnosticReport, Observation, Procedure, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import { readContext } from '../../src/clinical/data-elements/context.js';
import { followUpEvents } from '../../src/clinical/data-elements/follow-up-events.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { cc, code, interp, nowOn, PID, risk, sct, snapshotOf, SUBJECT } from './fixtures.js';

/**
 * What a hook call observes of the follow-up (docs/design.md#follow-up), from realistic Chinese EHR
 * records: the referral ServiceRequest, the invasive procedure (SNOMED CT, ICD-9-CM-3 clinical
 * edition, or the Chinese name only), the karyotype / microarray / CNV-seq report, the NIPT result
 * with its screening institution, and the outcome. Today 2025-06-01 in Asia/Shanghai.
 */
const ICD9 = 'http://hl7.org/fhir/sid/icd-9-cm';
const events = (resources: Resource[]) => followUpEvents(readContext(snapshotOf(resources), DEFAULT_POLICY, nowOn()));

const referral = (over: Partial<ServiceRequest> = {}): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id: 'sr-pd-1',
  status: 'active',
  intent: 'order',
  subject: SUBJECT,
  code: { coding: [code(SYSTEMS.prenatalOrder, 'prenatal-diagnosis-referral', '产前诊断转诊')], text: '转诊至产前诊断中心' },
  authoredOn: '2025-03-02T10:15:00+08:00',
  performer: [{ reference: 'Organization/zj-pd-center', display: '浙江省产前诊断中心' }],
  ...over,
});

const procedure = (id: string, coding: Procedure['code'], performed = '2025-03-20'): Procedure => ({
  resourceType: 'Procedure',
  id,
  status: 'completed',
  subject: SUBJECT,
  code: coding,
  performedDateTime: performed,
});

const karyotype = (over: Partial<DiagnosticReport> = {}): DiagnosticReport => ({
  resourceType: 'DiagnosticReport',
  id: 'dr-karyo-1',
  status: 'final',
  subject: SUBJECT,
  category: [cc(code(SYSTEMS.prenatalObservation, 'prenatal-diagnosis'))],
  code: { coding: [code(SYSTEMS.prenatalOrder, 'karyotype', '羊水染色体核型分析')], text: '羊水细胞染色体核型分析' },
  effectiveDateTime: '2025-04-08',
  conclusion: '46,XX，未见异常',
  ...over,
});

describe('followUpEvents', () => {
  it('an active or completed referral ServiceRequest, with its date as given and the receiving institution', () => {
    expect(events([referral()])).toEqual([
      {
        kind: 'referral',
        reference: 'ServiceRequest/sr-pd-1',
        on: '2025-03-02T10:15:00+08:00',
        day: '2025-03-02',
        code: 'prenatal-diagnosis-referral',
        institution: 'zj-pd-center',
      },
    ]);
    expect(events([referral({ status: 'draft' }), referral({ id: 'sr-2', status: 'revoked' })])).toEqual([]);
  });

  it.each([
    ['SNOMED CT 34536000', { coding: [sct('34536000')], text: '羊膜腔穿刺术' }, 'amniocentesis', '34536000'],
    ['ICD-9-CM-3 clinical edition 75.1x00', { coding: [code(ICD9, '75.1x00', '诊断性羊膜腔穿刺术')] }, 'amniocentesis', '75.1x00'],
    ['ICD-9-CM-3 75.33 with 绒毛取样', { coding: [code(ICD9, '75.3301', '经腹绒毛取样术')] }, 'cvs', '75.3301'],
    ['ICD-9-CM-3 75.33 with 脐血穿刺', { coding: [code(ICD9, '75.3300', '脐血穿刺术')] }, 'cordocentesis', '75.3300'],
    ['local order code cvs', { coding: [code(SYSTEMS.prenatalOrder, 'cvs')] }, 'cvs', 'cvs'],
    ['the Chinese name only', { text: 'B超引导下脐带血穿刺' }, 'cordocentesis', undefined],
  ])('a completed procedure: %s', (_name, coding, detail, matched) => {
    const [e] = events([procedure('proc-1', coding as Procedure['code'])]);
    expect(e).toEqual({
      kind: 'procedure',
      reference: 'Procedure/proc-1',
      on: '2025-03-20',
      day: '2025-03-20',
      detail,
      ...(matched ? { code: matched } : {}),
    });
  });

  it('a procedure not done, or another procedure, is no event', () => {
    const notDone = { ...procedure('proc-x', { coding: [sct('34536000')] }), status: 'not-done' as const };
    const other = procedure('proc-y', { coding: [code(ICD9, '73.59', '手法助产')], text: '自然分娩' });
    expect(events([notDone, other])).toEqual([]);
  });

  it('a final karyotype or CNV-seq report (named by its text, under a microarray code); a preliminary one is not yet a result', () => {
    const cnv = karyotype({
      id: 'dr-cnv-1',
      code: { coding: [code(SYSTEMS.prenatalOrder, 'chromosomal-microarray')], text: '拷贝数变异测序（CNV-seq）' },
      performer: [{ reference: 'Organization/zj-genetics-lab' }],
    });
    const prelim = karyotype({ id: 'dr-prelim', status: 'preliminary' });
    expect(events([karyotype(), cnv, prelim])).toEqual([
      {
        kind: 'result',
        reference: 'DiagnosticReport/dr-karyo-1',
        on: '2025-04-08',
        day: '2025-04-08',
        code: 'prenatal-diagnosis',
        detail: 'karyotype',
      },
      {
        kind: 'result',
        reference: 'DiagnosticReport/dr-cnv-1',
        on: '2025-04-08',
        day: '2025-04-08',
        code: 'prenatal-diagnosis',
        detail: 'cnv-seq',
        institution: 'zj-genetics-lab',
      },
    ]);
  });

  it('NIPT: high risk by code or by wording, low risk, with the screening institution; an undecided call is no event', () => {
    const lab = { performer: [{ reference: 'Organization/hz-nipt-lab', display: '杭州某医学检验实验室' }] };
    const high = risk('nipt-result', { valueString: 'T21 高风险', ...lab }, { id: 'nipt-1', date: '2025-02-10T09:00:00+08:00' });
    const low = risk('nipt-result', { interpretation: [interp('N')], valueString: '低风险' }, { id: 'nipt-2', date: '2025-02-11' });
    const conflict = risk('nipt-result', { interpretation: [interp('H')], valueString: '低风险' }, { id: 'nipt-3' });
    const mixed = risk('nipt-result', { interpretation: [interp('H'), interp('N')] }, { id: 'nipt-4' });
    expect(events([high, low, conflict, mixed] as Observation[])).toEqual([
      {
        kind: 'nipt-high-risk',
        reference: 'Observation/nipt-1',
        on: '2025-02-10T09:00:00+08:00',
        day: '2025-02-10',
        code: 'nipt-result',
        institution: 'hz-nipt-lab',
      },
      { kind: 'nipt-low-risk', reference: 'Observation/nipt-2', on: '2025-02-11', day: '2025-02-11', code: 'nipt-result' },
    ]);
  });

  it('outcomes from the pregnancy-end records: delivery, termination (O04), loss — after the pregnancy ended too', () => {
    const cond = (id: string, coding: Condition['code'], onset: string): Condition => ({
      resourceType: 'Condition',
      id,
      subject: { reference: `Patient/${PID}` },
      code: coding,
      onsetDateTime: onset,
    });
    const delivery = procedure('cs-1', { coding: [sct('11466000')], text: '子宫下段剖宫产术' }, '2025-05-28T08:40:00+08:00');
    const termination = cond('c-top', { coding: [code('http://hl7.org/fhir/sid/icd-10-cn', 'O04.900', '医疗性流产')] }, '2024-06');
    const loss = cond('c-loss', { coding: [code(SYSTEMS.icd10, 'O03.9', '自然流产')] }, '2023-11-02');
    expect(events([delivery, termination, loss])).toEqual([
      { kind: 'outcome', reference: 'Condition/c-top', on: '2024-06', day: '2024-06-01', code: 'O04.900', detail: 'termination' },
      { kind: 'outcome', reference: 'Condition/c-loss', on: '2023-11-02', day: '2023-11-02', code: 'O03.9', detail: 'loss' },
      {
        kind: 'outcome',
        reference: 'Procedure/cs-1',
        on: '2025-05-28T08:40:00+08:00',
        day: '2025-05-28',
        code: '11466000',
        detail: 'delivery',
      },
    ]);
  });

  it("an undated record, or another woman's, is left out", () => {
    const undated = referral({ id: 'sr-undated', authoredOn: undefined });
    const other = referral({ id: 'sr-other', subject: { reference: 'Patient/someone-else' } });
    expect(events([undated, other])).toEqual([]);
  });
});
