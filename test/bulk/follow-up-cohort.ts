import type { Resource } from '@medplum/fhirtypes';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, SYSTEMS } from '../../src/clinical/codes.js';

/**
 * Ten women whose follow-up funnel is known (docs/design.md#follow-up), as of 2025-06-01 in
 * Asia/Shanghai, FOLLOW_UP_DIAGNOSIS_DAYS 28. Every record carries the day the EHR had it, so the
 * same women can also be replayed as the hook calls of their visits. Rule `ama` (aged 35+ at EDD)
 * indicates the eight who are pregnant now, on the day their EDD was recorded:
 *
 * | woman          | org    | EDD (recorded)          | notice | referral | procedure | result | outcome        |
 * | 张敏 zhang-min | org-2  | 2025-05-25 (2024-10-27) | 10-29  | 10-30    | 11-20     | 12-05  | 2025-05-24     |
 * | 李华 li-hua    | org-2  | same                    | —      | yes      | yes       | yes    | yes            |
 * | 王蕾 wang-lei  | org-2  | same                    | yes    | —        | yes       | yes    | yes            |
 * | 赵丽 zhao-li   | org-10 | same                    | yes    | yes      | —         | yes    | yes            |
 * | 陈雨 chen-yu   | org-10 | same                    | yes    | yes      | yes       | —      | yes            |
 * | 刘芳 liu-fang  | org-10 | same                    | yes    | yes      | yes       | yes    | — (41 weeks)   |
 * | 杨雪 yang-xue  | org-2  | 2025-10-30 (2025-04-20) | 04-22  | 04-23    | —         | —      | —: undiagnosed, due 05-18 (14 overdue) |
 * | 周洁 zhou-jie  | org-2  | 2025-11-20 (2025-04-01) | —      | —        | —         | —      | —: undiagnosed, due 04-29 (33 overdue) |
 *
 * 周洁 had an earlier pregnancy (EDD 2024-06-01, low-risk NIPT 2023-12-01, delivered 2024-05-28):
 * its delivery is not the current pregnancy's outcome and its NIPT has its outcome. Not pregnant now:
 * 孙晴 sun-qing (org-10), high-risk NIPT 2024-09-10 and no invasive diagnosis, delivered 2025-03-30
 * (undiagnosed as `nipt-high-risk`, due 2024-10-08: 236 days overdue); 吴婷 wu-ting (org-10),
 * low-risk NIPT 2024-07-20, EDD 2025-03-01, no outcome recorded by EDD + 42 = 2025-04-12.
 */
export const COHORT_AS_OF = '2025-06-01';

/** A record with the clinic day the EHR had it. */
export interface Dated {
  readonly day: string;
  readonly resource: Resource;
}

export interface CohortWoman {
  readonly id: string;
  readonly org: string;
  readonly patient: Resource;
  readonly records: readonly Dated[];
  /** Indicated (rule `ama`) on this day, pregnancy `Patient/<id>|<edd>`, when pregnant and aged 35+. */
  readonly indicated?: { readonly day: string; readonly edd: string };
  /** The day her notice Communication was sent. */
  readonly noticeDay?: string;
}

const cc = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });
const ORG_NAMES: Record<string, string> = { 'org-2': '杭州市妇产科医院', 'org-10': '宁波市妇女儿童医院' };

type Stage = 'notice' | 'referral' | 'procedure' | 'result' | 'outcome';

function woman(
  id: string,
  name: string,
  org: string,
  birthDate: string,
  build: (r: ReturnType<typeof recordsOf>) => void,
): Omit<CohortWoman, 'indicated' | 'noticeDay'> & { records: Dated[] } {
  const patient: Resource = {
    resourceType: 'Patient',
    id,
    gender: 'female',
    birthDate,
    name: [{ text: name }],
    managingOrganization: { reference: `Organization/${org}`, display: ORG_NAMES[org] },
  } as Resource;
  const r = recordsOf(id);
  build(r);
  return { id, org, patient, records: r.list };
}

function recordsOf(pid: string) {
  const list: Dated[] = [];
  const subject = { reference: `Patient/${pid}` };
  const add = (day: string, resource: Resource) => list.push({ day, resource });
  return {
    list,
    edd(n: number, recorded: string, edd: string) {
      add(recorded, {
        resourceType: 'Observation',
        id: `edd-${pid}-${n}`,
        status: 'final',
        subject,
        code: cc(SYSTEMS.loinc, '11778-8', '预产期'),
        effectiveDateTime: recorded,
        valueDateTime: edd,
      } as Resource);
    },
    notice(sent: string) {
      add(sent, {
        resourceType: 'Communication',
        id: `notice-${pid}`,
        status: 'completed',
        category: [cc(SYSTEMS.noticeCategory, NOTICE_CATEGORY_CODE, '产前诊断书面告知')],
        subject,
        sent: `${sent}T10:00:00+08:00`,
        extension: [{ url: EXTENSIONS.noticeRules, valueCode: 'ama' }],
      } as Resource);
    },
    referral(day: string) {
      add(day, {
        resourceType: 'ServiceRequest',
        id: `sr-${pid}`,
        status: 'completed',
        intent: 'order',
        subject,
        code: { coding: [{ system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral', display: '产前诊断转诊' }] },
        authoredOn: `${day}T09:30:00+08:00`,
        performer: [{ reference: 'Organization/zj-pd-center', display: '浙江省产前诊断中心' }],
      } as Resource);
    },
    procedure(day: string) {
      add(day, {
        resourceType: 'Procedure',
        id: `amnio-${pid}`,
        status: 'completed',
        subject,
        code: { coding: [{ system: SYSTEMS.snomed, code: '34536000', display: '羊膜腔穿刺术' }], text: '羊膜腔穿刺术' },
        performedDateTime: day,
      } as Resource);
    },
    result(day: string) {
      add(day, {
        resourceType: 'DiagnosticReport',
        id: `karyo-${pid}`,
        status: 'final',
        subject,
        category: [cc(SYSTEMS.prenatalObservation, 'prenatal-diagnosis')],
        code: {
          coding: [{ system: SYSTEMS.prenatalOrder, code: 'karyotype', display: '羊水染色体核型分析' }],
          text: '羊水细胞染色体核型分析',
        },
        effectiveDateTime: day,
        conclusion: '46,XX，未见异常',
      } as Resource);
    },
    delivery(n: number, day: string) {
      add(day, {
        resourceType: 'Procedure',
        id: `delivery-${pid}-${n}`,
        status: 'completed',
        subject,
        code: cc(SYSTEMS.snomed, '236973005', '阴道分娩'),
        performedDateTime: day,
      } as Resource);
    },
    nipt(day: string, high: boolean) {
      add(day, {
        resourceType: 'Observation',
        id: `nipt-${pid}`,
        status: 'final',
        subject,
        code: cc(SYSTEMS.prenatalObservation, 'nipt-result'),
        effectiveDateTime: day,
        ...(high
          ? { valueString: 'T21 高风险' }
          : { interpretation: [cc('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'N')], valueString: '低风险' }),
        performer: [{ reference: 'Organization/hz-nipt-lab', display: '杭州某医学检验实验室' }],
      } as Resource);
    },
  };
}

/** The five delivered-or-due women of the table, each without one stage. */
function nearTerm(id: string, name: string, org: string, without: Stage | 'signed'): CohortWoman {
  const w = woman(id, name, org, '1988-03-15', (r) => {
    r.edd(1, '2024-10-27', '2025-05-25');
    if (without !== 'notice') r.notice('2024-10-29');
    if (without !== 'referral') r.referral('2024-10-30');
    if (without !== 'procedure') r.procedure('2024-11-20');
    if (without !== 'result') r.result('2024-12-05');
    if (without !== 'outcome') r.delivery(1, '2025-05-24');
  });
  return { ...w, indicated: { day: '2024-10-27', edd: '2025-05-25' }, ...(without !== 'notice' ? { noticeDay: '2024-10-29' } : {}) };
}

export const COHORT: readonly CohortWoman[] = [
  nearTerm('p-fu-zhang-min', '张敏', 'org-2', 'signed'),
  nearTerm('p-fu-li-hua', '李华', 'org-2', 'notice'),
  nearTerm('p-fu-wang-lei', '王蕾', 'org-2', 'referral'),
  nearTerm('p-fu-zhao-li', '赵丽', 'org-10', 'procedure'),
  nearTerm('p-fu-chen-yu', '陈雨', 'org-10', 'result'),
  nearTerm('p-fu-liu-fang', '刘芳', 'org-10', 'outcome'),
  {
    ...woman('p-fu-yang-xue', '杨雪', 'org-2', '1987-01-09', (r) => {
      r.edd(1, '2025-04-20', '2025-10-30');
      r.notice('2025-04-22');
      r.referral('2025-04-23');
    }),
    indicated: { day: '2025-04-20', edd: '2025-10-30' },
    noticeDay: '2025-04-22',
  },
  {
    ...woman('p-fu-zhou-jie', '周洁', 'org-2', '1989-07-01', (r) => {
      r.edd(1, '2023-11-01', '2024-06-01');
      r.nipt('2023-12-01', false);
      r.delivery(1, '2024-05-28');
      r.edd(2, '2025-04-01', '2025-11-20');
    }),
    indicated: { day: '2025-04-01', edd: '2025-11-20' },
  },
  woman('p-fu-sun-qing', '孙晴', 'org-10', '1995-02-11', (r) => {
    r.edd(1, '2024-08-01', '2025-04-01');
    r.nipt('2024-09-10', true);
    r.delivery(1, '2025-03-30');
  }),
  woman('p-fu-wu-ting', '吴婷', 'org-10', '1996-05-23', (r) => {
    r.edd(1, '2024-07-01', '2025-03-01');
    r.nipt('2024-07-20', false);
  }),
];

const zero = { signed: 0, accepted: 0, declined: 0, postponed: 0 };

/** The funnel of the cohort alone over its whole span (from the first NIPT, 2023-12-01, to the as-of day). */
export const COHORT_FUNNEL = {
  from: '2023-12-01',
  rows: [
    { key: 'org-2', indicated: 5, notified: 3, ...zero, referred: 3, procedure: 3, result: 3, outcome: 3 },
    { key: 'org-10', indicated: 3, notified: 3, ...zero, referred: 3, procedure: 2, result: 2, outcome: 2 },
  ],
  total: { indicated: 8, notified: 6, ...zero, referred: 6, procedure: 5, result: 5, outcome: 5 },
  /** [patient, pregnancy, institution, reason, diagnosisDueBy, overdueDays, stage], most urgent first. */
  undiagnosed: [
    ['p-fu-sun-qing', 'Patient/p-fu-sun-qing|2025-04-01', 'hz-nipt-lab', 'nipt-high-risk', '2024-10-08', 236, 'outcome'],
    ['p-fu-zhou-jie', 'Patient/p-fu-zhou-jie|2025-11-20', 'org-2', 'indicated', '2025-04-29', 33, 'indicated'],
    ['p-fu-yang-xue', 'Patient/p-fu-yang-xue|2025-10-30', 'org-2', 'indicated', '2025-05-18', 14, 'referred'],
  ],
  /** [patient, pregnancy, kind, niptOn, edd, dueBy]. */
  nipt: [
    ['p-fu-sun-qing', 'Patient/p-fu-sun-qing|2025-04-01', 'high-risk-undiagnosed', '2024-09-10', '2025-04-01', '2024-10-08'],
    ['p-fu-wu-ting', 'Patient/p-fu-wu-ting|2025-03-01', 'no-outcome', '2024-07-20', '2025-03-01', '2025-04-12'],
  ],
} as const;

/** Every resource of the cohort, as an export holds them. */
export function cohortResources(): Resource[] {
  return COHORT.flatMap((w) => [w.patient, ...w.records.map((r) => r.resource)]);
}
