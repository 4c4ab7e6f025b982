import type { Bundle, CodeableConcept, DiagnosticReport, Practitioner } from '@medplum/fhirtypes';
import { CANONICAL_BASE } from '../clinical/codes.js';
import { instantDay } from '../calendar/index.js';

/**
 * Art. 26 report-signing compliance (docs/rules.md#not-rules: a QC check, not a hook): a prenatal-diagnosis
 * DiagnosticReport needs ≥ 2 qualified signers (distinct `resultsInterpreter` Practitioners holding
 * a `mch-technique#prenatal-diagnosis` qualification valid on the report's `issued` day), and a
 * karyotype report (code `prenatal-order#karyotype`) one of those qualified signers (the reviewer)
 * with a professional title of at least associate senior (副高, local CodeSystem below, valid that day). Pure: a Bundle of DiagnosticReports + Practitioners in, a report out.
 */

/** Local CodeSystem of professional titles (职称), lowest to highest, on Practitioner.qualification. */
export const PROFESSIONAL_TITLE_SYSTEM = `${CANONICAL_BASE}/CodeSystem/professional-title`;
export const PROFESSIONAL_TITLES = ['junior', 'intermediate', 'associate-senior', 'senior'] as const;

const PRENATAL_ORDER = `${CANONICAL_BASE}/CodeSystem/prenatal-order`;

export type SigningProblem = 'fewer-than-two-qualified-signers' | 'no-senior-karyotype-reviewer' | 'no-issued-date';

export interface SigningCase {
  readonly report: string;
  readonly issued: string | null;
  readonly karyotype: boolean;
  readonly signers: readonly string[];
  readonly qualifiedSigners: readonly string[];
  readonly status: 'compliant' | 'non-compliant';
  readonly problems: readonly SigningProblem[];
}

export interface SigningReport {
  readonly reports: number;
  readonly compliant: number;
  /** compliant / reports, 0..1; `null` when there are no reports. */
  readonly rate: number | null;
  readonly cases: readonly SigningCase[];
}

const has = (cc: CodeableConcept | undefined, system: string, code: string): boolean =>
  (cc?.coding ?? []).some((c) => c.system === system && c.code === code);

function within(period: { start?: string; end?: string } | undefined, day: string, timeZone: string): boolean {
  if (!period) return true;
  if (period.start && (period.start.length > 10 ? instantDay(period.start, timeZone) : period.start) > day) return false;
  if (period.end && (period.end.length > 10 ? instantDay(period.end, timeZone) : period.end) < day) return false;
  return true;
}

function qualified(p: Practitioner, day: string, timeZone: string): boolean {
  return (p.qualification ?? []).some(
    (q) => has(q.code, `${CANONICAL_BASE}/CodeSystem/mch-technique`, 'prenatal-diagnosis') && within(q.period, day, timeZone),
  );
}

function titleRank(p: Practitioner, day: string, timeZone: string): number {
  let best = -1;
  for (const q of p.qualification ?? []) {
    if (!within(q.period, day, timeZone)) continue;
    for (const c of q.code.coding ?? []) {
      if (c.system === PROFESSIONAL_TITLE_SYSTEM)
        best = Math.max(best, PROFESSIONAL_TITLES.indexOf(c.code as (typeof PROFESSIONAL_TITLES)[number]));
    }
  }
  return best;
}

/** Practitioners of the Bundle by every name a reference may use (`Practitioner/id`, fullUrl). */
function practitionerIndex(bundle: Bundle): Map<string, Practitioner> {
  const out = new Map<string, Practitioner>();
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (r?.resourceType !== 'Practitioner') continue;
    if (r.id) out.set(`Practitioner/${r.id}`, r);
    if (e.fullUrl) out.set(e.fullUrl, r);
  }
  return out;
}

function checkReport(r: DiagnosticReport, practitioners: Map<string, Practitioner>, timeZone: string): SigningCase {
  const day = r.issued ? instantDay(r.issued, timeZone) : undefined;
  const signers = [...new Set((r.resultsInterpreter ?? []).map((ref) => ref.reference ?? '').filter((s) => s.length > 0))];
  const resolved = signers.flatMap((s) => {
    const p = practitioners.get(s);
    return p ? [{ ref: s, p }] : [];
  });
  const signing = day ? resolved.filter((x) => qualified(x.p, day, timeZone)) : [];
  const qualifiedSigners = signing.map((x) => x.ref);
  const karyotype = has(r.code, PRENATAL_ORDER, 'karyotype');
  const problems: SigningProblem[] = [];
  if (!day) problems.push('no-issued-date');
  if (qualifiedSigners.length < 2) problems.push('fewer-than-two-qualified-signers');
  const senior = PROFESSIONAL_TITLES.indexOf('associate-senior');
  if (karyotype && !signing.some((x) => titleRank(x.p, day!, timeZone) >= senior)) problems.push('no-senior-karyotype-reviewer');
  return {
    report: `DiagnosticReport/${r.id ?? ''}`,
    issued: r.issued ?? null,
    karyotype,
    signers,
    qualifiedSigners,
    status: problems.length ? 'non-compliant' : 'compliant',
    problems,
  };
}

/** Checks every DiagnosticReport of the Bundle against the Practitioners it carries. */
export function checkReportSigning(bundle: Bundle, timeZone: string): SigningReport {
  const practitioners = practitionerIndex(bundle);
  const cases = (bundle.entry ?? []).flatMap((e) =>
    e.resource?.resourceType === 'DiagnosticReport' ? [checkReport(e.resource, practitioners, timeZone)] : [],
  );
  const compliant = cases.filter((c) => c.status === 'compliant').length;
  return { reports: cases.length, compliant, rate: cases.length ? compliant / cases.length : null, cases };
}
