import type {
  AbnormalResultNoticeParams,
  AmaParams,
  AmnioticFluidParams,
  AmnioticFluidReading,
  FetalAnomalyParams,
  ReferralParamsByRule,
  ScreeningHighRiskParams,
  TeratogenExposureItem,
  TeratogenExposureParams,
} from '../clinical/finding-params.js';
import type { Finding } from '../engine/rule.js';
import { REFERRAL_RULE_IDS, type ReferralRuleId } from '../engine/rule-ids.js';
import { evidenceLines, fetusText, formatDate, formatNumber } from '../render/evidence-text.js';
import { isolate } from '../render/isolate.js';
import { lookupMessage, message, type Locale } from '../render/messages.js';

/**
 * A referral finding in plain language (docs/rules.md#referral), per locale: its short label, one
 * sentence built from its `params` (finding-params.ts), its citation and its evidence lines.
 * Plain text: patient-derived parts are NOT escaped here; escape the result for its format.
 */
export interface FindingText {
  readonly rule: string;
  readonly label: string;
  readonly sentence: string;
  readonly citation: string;
  readonly evidence: readonly string[];
}

export function isReferralRule(rule: string): rule is ReferralRuleId {
  return (REFERRAL_RULE_IDS as readonly string[]).includes(rule);
}

/** Short label of a referral rule (card summary, notice headings). */
export function ruleLabel(rule: string, locale: Locale): string {
  return isReferralRule(rule) ? message(locale, `rule.${rule}.label`) : rule;
}

/** Joins words with the locale's list separator (、 / , ). */
export function listText(items: readonly string[], locale: Locale): string {
  return items.join(message(locale, 'card.list.separator'));
}

const num = (n: number | undefined): string => (typeof n === 'number' ? formatNumber(n) : '?');

/** A word whose key comes from data (test, source, kind): the raw code when the catalogue lacks it. */
const word = (l: Locale, prefix: string, code: unknown): string =>
  lookupMessage(l, `${prefix}.${String(code)}`) ?? isolate(String(code ?? '?'));

function amaSentence(p: AmaParams, l: Locale): string {
  return message(l, 'finding.ama', {
    reference: message(l, p.reference === 'today' ? 'finding.ama.reference.today' : 'finding.ama.reference.edd'),
    referenceDate: formatDate(p.referenceDate ?? '?'),
    age: num(p.ageYears),
    comparator: message(l, p.comparator === '>' ? 'finding.ama.comparator.gt' : 'finding.ama.comparator.gte'),
    threshold: num(p.threshold),
    birthDate: formatDate(p.birthDate ?? '?'),
  });
}

/** A length in cm with at least one decimal ("4.0", "4.55"). */
const cm = (n: number | undefined): string => {
  const s = num(n);
  return s === '?' || s.includes('.') ? s : `${s}.0`;
};

const isReading = (r: unknown): r is AmnioticFluidReading =>
  !!r && typeof r === 'object' && typeof (r as AmnioticFluidReading).valueCm === 'number';

const readingsOf = (v: unknown): AmnioticFluidReading[] => (Array.isArray(v) ? v.filter(isReading) : []);

const kindText = (k: unknown, l: Locale): string =>
  message(l, k === 'polyhydramnios' ? 'finding.amniotic-fluid.kind.polyhydramnios' : 'finding.amniotic-fluid.kind.oligohydramnios');

/** One abnormal reading: "胎儿A：羊水指数（AFI）4.0 cm（2026-11-01），提示羊水过少（界值 5 cm）。" */
function abnormalReadingText(r: AmnioticFluidReading, l: Locale): string {
  return message(l, 'finding.amniotic-fluid.reading', {
    fetus: r.fetus ? message(l, 'finding.amniotic-fluid.reading.fetus', { fetus: fetusText(r.fetus, l) }) : '',
    measure: word(l, 'finding.amniotic-fluid.measure', r.measure),
    value: cm(r.valueCm),
    date: formatDate(r.date ?? '?'),
    kind: kindText(r.kind, l),
    threshold: num(r.thresholdCm),
  });
}

/** The course: "AFI 4.0 cm on 2026-11-01, AFI 9.0 cm on 2026-12-01". */
function courseText(course: readonly AmnioticFluidReading[], l: Locale): string {
  const entries = course.map((r) =>
    message(l, 'finding.amniotic-fluid.course.entry', {
      fetus: r.fetus ? message(l, 'finding.amniotic-fluid.course.fetus', { fetus: fetusText(r.fetus, l) }) : '',
      measure: word(l, 'finding.amniotic-fluid.course.measure', r.measure),
      value: cm(r.valueCm),
      date: formatDate(r.date ?? '?'),
    }),
  );
  return message(l, 'finding.amniotic-fluid.course', { course: listText(entries, l) });
}

function amnioticSentence(p: AmnioticFluidParams, l: Locale): string {
  const kind = kindText(p.kind, l);
  const sep = l === 'en' ? ' ' : '';
  const abnormal = readingsOf(p.abnormal);
  const course = readingsOf(p.course);
  if (abnormal.length > 0) {
    // The most recent abnormal day, one sentence per reading (each fetus), then the course when it says more.
    const day = abnormal[0]!.date;
    const latest = abnormal.filter((r) => r.date === day);
    const parts = latest.map((r) => abnormalReadingText(r, l));
    if (course.length > latest.length) parts.push(courseText(course, l));
    return parts.join(sep);
  }
  const measured = Array.isArray(p.items) ? p.items.find((i) => typeof i?.value === 'number') : undefined;
  if ((p.decidedBy === 'afi' || p.decidedBy === 'dvp') && measured) {
    return message(l, p.decidedBy === 'afi' ? 'finding.amniotic-fluid.afi' : 'finding.amniotic-fluid.dvp', {
      value: num(measured.value),
      kind,
      threshold: num(p.thresholdCm),
    });
  }
  const coded = message(l, 'finding.amniotic-fluid.coded', { kind });
  return course.length > 0 ? [coded, courseText(course, l)].join(sep) : coded;
}

function fetalAnomalySentence(p: FetalAnomalyParams, l: Locale): string {
  const sources = (p.sources ?? []).map((s) => word(l, 'finding.fetal-anomaly.source', s));
  const parts = [message(l, 'finding.fetal-anomaly', { sources: listText(sources, l) })];
  if (p.sources?.includes('nt')) parts.push(message(l, 'finding.fetal-anomaly.nt', { threshold: num(p.ntThresholdMm) }));
  return parts.join(l === 'en' ? ' ' : '');
}

/** Why each exposure counts (docs/rules.md#teratogen-exposure): first trimester, a coded concern, a washout. */
function teratogenSentence(p: TeratogenExposureParams, l: Locale): string {
  const items = Array.isArray(p.items) ? p.items.filter((i) => !!i && typeof i === 'object') : [];
  const basisOf = (i: TeratogenExposureItem) => i.basis ?? 'first-trimester';
  const kindsOf = (basis: TeratogenExposureItem['basis']) => [
    ...new Set(items.filter((i) => basisOf(i) === basis && i.kind).map((i) => word(l, 'finding.teratogen-exposure.kind', i.kind))),
  ];
  const parts: string[] = [];
  if (items.length === 0 || items.some((i) => basisOf(i) === 'first-trimester')) {
    const kinds = kindsOf('first-trimester');
    parts.push(
      message(l, 'finding.teratogen-exposure', {
        windowStart: formatDate(p.windowStart ?? '?'),
        windowEnd: formatDate(p.windowEnd ?? '?'),
        kinds: listText(kinds.length > 0 ? kinds : (p.kinds ?? []).map((k) => word(l, 'finding.teratogen-exposure.kind', k)), l),
      }),
    );
  } else parts.push(message(l, 'finding.teratogen-exposure.confirm'));
  if (items.some((i) => i.basis === 'coded-concern'))
    parts.push(message(l, 'finding.teratogen-exposure.coded', { kinds: listText(kindsOf('coded-concern'), l) }));
  for (const i of items.filter((x) => x.basis === 'washout'))
    parts.push(
      message(l, 'finding.teratogen-exposure.washout', {
        medication: isolate(i.code?.display ?? i.text ?? i.code?.code ?? '?'),
        stopped: formatDate(i.stopped ?? '?'),
        days: num(i.daysBeforeLmp),
        washout: num(i.washoutDays),
      }),
    );
  return parts.join(l === 'en' ? ' ' : '');
}

function screeningSentence(p: ScreeningHighRiskParams, l: Locale): string {
  const test = word(l, 'finding.screening-high-risk.test', p.test);
  if (p.decidedBy === 'interpretation' && p.interpretation) {
    return message(l, 'finding.screening-high-risk.interpretation', { test, interpretation: isolate(p.interpretation) });
  }
  if (typeof p.riskN === 'number' && typeof p.cutoffN === 'number') {
    return message(l, 'finding.screening-high-risk.risk', { test, riskN: num(p.riskN), cutoffN: num(p.cutoffN) });
  }
  if (typeof p.mom === 'number') return message(l, 'finding.screening-high-risk.mom', { test, mom: num(p.mom) });
  return message(l, 'finding.screening-high-risk.generic', { test });
}

/** docs/rules.md#abnormal-result-notice: what the prenatal-diagnosis reports concluded, in the lab's words, with their dates. */
function abnormalResultSentence(p: AbnormalResultNoticeParams, l: Locale): string {
  const items = Array.isArray(p.items) ? p.items.filter((i) => !!i && typeof i === 'object') : [];
  const kinds = [...new Set(items.map((i) => i.kind))].map((k) => word(l, 'finding.abnormal-result-notice.kind', k));
  const results = items.map((i) => `${isolate(i.text ?? i.code?.display ?? i.code?.code ?? '?')}（${formatDate(i.date ?? '?')}）`);
  return message(l, 'finding.abnormal-result-notice', { kinds: listText(kinds, l), results: listText(results, l) });
}

/** The plain-language sentence of a referral finding. */
export function findingSentence<R extends ReferralRuleId>(rule: R, params: ReferralParamsByRule[R], l: Locale): string {
  const p = params as ReferralParamsByRule[ReferralRuleId];
  switch (rule) {
    case 'ama':
      return amaSentence(p as AmaParams, l);
    case 'amniotic-fluid':
      return amnioticSentence(p as AmnioticFluidParams, l);
    case 'fetal-anomaly':
      return fetalAnomalySentence(p as FetalAnomalyParams, l);
    case 'teratogen-exposure':
      return teratogenSentence(p as TeratogenExposureParams, l);
    case 'genetic-family-history':
      return message(l, 'finding.genetic-family-history');
    case 'prior-affected-birth':
      return message(l, 'finding.prior-affected-birth');
    case 'screening-high-risk':
      return screeningSentence(p as ScreeningHighRiskParams, l);
    case 'abnormal-result-notice':
      return abnormalResultSentence(p as AbnormalResultNoticeParams, l);
    default:
      return '';
  }
}

/** Describes a finding in plain language (unknown rules keep their id and evidence). */
export function describeFinding(f: Finding, locale: Locale): FindingText {
  // Params come from another module over a loose type: render what is there, never throw on gaps.
  const sentence = isReferralRule(f.rule) ? findingSentence(f.rule, f.params as never, locale) : '';
  return {
    rule: f.rule,
    label: ruleLabel(f.rule, locale),
    sentence,
    citation: f.citation,
    evidence: evidenceLines(f.params, f.evidence, locale),
  };
}
