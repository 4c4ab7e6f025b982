import type {
  AmaParams,
  AmnioticFluidParams,
  AmnioticFluidReading,
  EvidenceItem,
  FamilyHistoryParams,
  FetalAnomalyParams,
  ScreeningHighRiskParams,
  TeratogenExposureItem,
  TeratogenExposureParams,
} from '../../clinical/finding-params.js';
import type { Policy } from '../../clinical/policy.js';
import type { Finding } from '../../engine/rule.js';
import { formatNumber } from '../../render/evidence-text.js';
import { isolate } from '../../render/isolate.js';
import { lookupMessage, message, type Locale } from '../../render/messages.js';
import { isReferralRule, listText, ruleLabel } from '../finding-text.js';
import type { Art25Content } from './content-schema.js';
import { lookupNoticeMessage, noticeMessage as nm } from './messages.js';
import { citationWords, dateWords, plainRecordText } from './words.js';

/**
 * The woman's register of a referral finding (docs/design.md#written-notice): its label, one
 * sentence and its evidence in plain words — dates written out, measurements with their units in
 * words, no codes, no resource references, no abbreviations, no text meant for the physician — and
 * the legal basis written out from the finding's citation. Record text enters only when it is plain
 * words of the page's language (words.ts `plainRecordText`), isolated (src/render/isolate.ts);
 * otherwise the sentence says what kind of record it is. The physician's register (codes,
 * references) stays on the card (finding-text.ts).
 */
export type WomanFinding = Art25Content['texts']['zh-CN']['indications'][number];

const num = (n: unknown): string => (typeof n === 'number' ? formatNumber(n) : '?');
const itemsOf = <T extends object>(v: unknown): T[] => (Array.isArray(v) ? v.filter((i): i is T => !!i && typeof i === 'object') : []);
const date = (d: string | undefined, l: Locale): string => dateWords(d, l) ?? nm(l, 'woman.date.unknown');

/** One-decimal centimetres ("4.0", "4.55"). */
const cm = (n: number | undefined): string => {
  const s = num(n);
  return s === '?' || s.includes('.') ? s : `${s}.0`;
};

function fetusPrefix(fetus: string | undefined, l: Locale): string {
  if (!fetus) return '';
  return /^(?:[A-Z]|\d{1,2}|[一二三四甲乙丙丁])$/u.test(fetus) ? nm(l, 'woman.fetus', { id: fetus }) : '';
}

/** "羊水指数 4.6 厘米（2026年11月20日超声）" */
function readingWords(r: AmnioticFluidReading, l: Locale): string {
  return nm(l, 'woman.amniotic-fluid.reading', {
    fetus: fetusPrefix(r.fetus, l),
    measure: nm(l, r.measure === 'dvp' ? 'woman.amniotic-fluid.measure.dvp' : 'woman.amniotic-fluid.measure.afi'),
    value: cm(r.valueCm),
    date: date(r.date, l),
  });
}

function ama(p: AmaParams, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const ref = p.reference === 'today' ? 'today' : 'edd';
  const values = {
    birthDate: date(p.birthDate, l),
    referenceDate: date(p.referenceDate, l),
    age: num(p.ageYears),
    threshold: num(p.threshold),
    comparator: nm(l, p.comparator === '>' ? 'woman.ama.comparator.gt' : 'woman.ama.comparator.gte'),
  };
  return {
    sentence: nm(l, ref === 'today' ? 'woman.ama.today' : 'woman.ama.edd', values),
    evidence: [nm(l, ref === 'today' ? 'woman.ama.evidence.today' : 'woman.ama.evidence.edd', values)],
  };
}

function amniotic(p: AmnioticFluidParams, policy: Policy, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const kindKey = p.kind === 'polyhydramnios' ? 'polyhydramnios' : 'oligohydramnios';
  const kind = nm(l, `woman.amniotic-fluid.kind.${kindKey}`);
  const readings = itemsOf<AmnioticFluidReading>(p.course).filter((r) => typeof r.valueCm === 'number');
  const abnormal = itemsOf<AmnioticFluidReading>(p.abnormal).filter((r) => typeof r.valueCm === 'number');
  const measured = itemsOf<EvidenceItem>(p.items).filter((i) => typeof i.value === 'number');
  const rule = nm(l, `woman.amniotic-fluid.rule.${kindKey}`, {
    afi: num(kindKey === 'polyhydramnios' ? policy.AFI_HIGH_CM : policy.AFI_LOW_CM),
    dvp: num(kindKey === 'polyhydramnios' ? policy.DVP_HIGH_CM : policy.DVP_LOW_CM),
  });
  const shown = readings.length ? readings : abnormal;
  const evidence = shown.length
    ? shown.map((r) => readingWords(r, l))
    : measured.map((i) =>
        readingWords({ measure: p.decidedBy === 'dvp' ? 'dvp' : 'afi', valueCm: i.value!, date: i.date, reference: '' }, l),
      );
  if (p.decidedBy === 'coded' && abnormal.length === 0) {
    const records = itemsOf<EvidenceItem>(p.items).map((i) => nm(l, 'woman.record', { date: date(i.date, l) }));
    return { sentence: nm(l, 'woman.amniotic-fluid.coded', { kind }), evidence: [...evidence, ...records] };
  }
  return { sentence: nm(l, 'woman.amniotic-fluid', { kind, rule }), evidence };
}

function fetalAnomaly(p: FetalAnomalyParams, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const evidence = itemsOf<EvidenceItem>(p.items).map((i) => {
    const d = date(i.date, l);
    if (typeof i.value === 'number' && (i.unit === 'mm' || i.unit === 'cm')) {
      const mm = i.unit === 'cm' ? i.value * 10 : i.value;
      return nm(l, 'woman.fetal-anomaly.nt', { value: num(mm), date: d, threshold: num(p.ntThresholdMm) });
    }
    const what = plainRecordText([i.text, i.code?.display], l);
    return what ? nm(l, 'woman.dated', { what: isolate(what), date: d }) : nm(l, 'woman.fetal-anomaly.generic', { date: d });
  });
  return { sentence: nm(l, 'woman.fetal-anomaly'), evidence };
}

function teratogen(p: TeratogenExposureParams, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const items = itemsOf<TeratogenExposureItem>(p.items);
  const basisOf = (i: TeratogenExposureItem) => i.basis ?? 'first-trimester';
  const kinds = (basis: TeratogenExposureItem['basis']) => [
    ...new Set(
      items
        .filter((i) => basisOf(i) === basis && i.kind)
        .map((i) => lookupNoticeMessage(l, `woman.teratogen-exposure.kind.${i.kind}`))
        .filter((k): k is string => !!k),
    ),
  ];
  const parts: string[] = [];
  if (items.length === 0 || items.some((i) => basisOf(i) === 'first-trimester')) {
    const ks = kinds('first-trimester');
    const fallback = (p.kinds ?? []).map((k) => lookupNoticeMessage(l, `woman.teratogen-exposure.kind.${k}`)).filter(Boolean) as string[];
    const list = ks.length ? ks : fallback;
    parts.push(
      p.windowStart && p.windowEnd && list.length
        ? nm(l, 'woman.teratogen-exposure', {
            windowStart: date(p.windowStart, l),
            windowEnd: date(p.windowEnd, l),
            kinds: listText(list, l),
          })
        : nm(l, 'woman.teratogen-exposure.other'),
    );
  }
  if (items.some((i) => i.basis === 'coded-concern')) {
    const ks = kinds('coded-concern');
    parts.push(ks.length ? nm(l, 'woman.teratogen-exposure.coded', { kinds: listText(ks, l) }) : nm(l, 'woman.teratogen-exposure.other'));
  }
  for (const i of items.filter((x) => x.basis === 'washout')) {
    const name = plainRecordText([i.text, i.code?.display], l);
    parts.push(
      nm(l, 'woman.teratogen-exposure.washout', {
        medication: name ? isolate(name) : nm(l, 'woman.teratogen-exposure.medication'),
        stopped: date(i.stopped, l),
        days: num(i.daysBeforeLmp),
        washout: num(i.washoutDays),
      }),
    );
  }
  const evidence = items.map((i) => {
    const what =
      plainRecordText([i.text, i.code?.display], l) ??
      (i.kind ? lookupNoticeMessage(l, `woman.teratogen-exposure.kind.${i.kind}`) : undefined) ??
      nm(l, 'woman.teratogen-exposure.medication');
    return nm(l, 'woman.dated', { what: isolate(what), date: date(i.date ?? i.stopped, l) });
  });
  return { sentence: [...new Set(parts)].join(l === 'en' ? ' ' : ''), evidence };
}

function family(p: FamilyHistoryParams, rule: 'genetic-family-history' | 'prior-affected-birth', l: Locale) {
  const evidence = itemsOf<FamilyHistoryParams['items'][number]>(p.items).map((i) => {
    const what = plainRecordText([i.text, i.code?.display], l);
    const relationship = i.relationship
      ? (lookupMessage(l, `relationship.${i.relationship.code}`) ?? plainRecordText([i.relationship.display], l))
      : undefined;
    const w = what ? isolate(what) : nm(l, `woman.${rule}.what`);
    return relationship
      ? nm(l, 'woman.relative', { relationship: isolate(relationship), what: w })
      : nm(l, 'woman.dated', { what: w, date: date(i.date, l) });
  });
  return { sentence: nm(l, `woman.${rule}`), evidence };
}

function screening(p: ScreeningHighRiskParams, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const screen = lookupNoticeMessage(l, `woman.screening-high-risk.screen.${p.test}`) ?? nm(l, 'woman.screening-high-risk.screen.t21');
  const sentence =
    typeof p.riskN === 'number' && typeof p.cutoffN === 'number'
      ? nm(l, 'woman.screening-high-risk.risk', { screen, riskN: num(p.riskN), cutoffN: num(p.cutoffN) })
      : typeof p.mom === 'number'
        ? nm(l, 'woman.screening-high-risk.mom', { screen, mom: num(p.mom) })
        : nm(l, 'woman.screening-high-risk.generic', { screen });
  const dates = [...new Set(itemsOf<EvidenceItem>(p.items).map((i) => date(i.date, l)))];
  return { sentence, evidence: dates.map((d) => nm(l, 'woman.screening-high-risk.evidence', { date: d })) };
}

function plain(f: Finding, policy: Policy, l: Locale): Pick<WomanFinding, 'sentence' | 'evidence'> {
  const p = f.params as never;
  switch (f.rule) {
    case 'ama':
      return ama(p, l);
    case 'amniotic-fluid':
      return amniotic(p, policy, l);
    case 'fetal-anomaly':
      return fetalAnomaly(p, l);
    case 'teratogen-exposure':
      return teratogen(p, l);
    case 'genetic-family-history':
    case 'prior-affected-birth':
      return family(p, f.rule, l);
    case 'screening-high-risk':
      return screening(p, l);
    default:
      return { sentence: '', evidence: [] };
  }
}

/** The woman's register of a finding, in one locale. Never throws on gaps in `params`. */
export function womanFinding(f: Finding, policy: Policy, l: Locale): WomanFinding {
  const { sentence, evidence } = plain(f, policy, l);
  return {
    rule: f.rule,
    label: isReferralRule(f.rule) ? ruleLabel(f.rule, l) : message(l, 'notice.unknown'),
    sentence,
    legalBasis: citationWords(f.citation, l),
    evidence,
  };
}
