import type { AbnormalResultItem, AbnormalResultNoticeParams } from '../../clinical/finding-params.js';
import type { Finding } from '../../engine/rule.js';
import { isolate } from '../../render/isolate.js';
import { LOCALES, type Locale } from '../../render/messages.js';
import { art27Message as m } from './art27-messages.js';
import type { Art27Texts } from './art27-schema.js';
import type { Art27Content } from './content-schema.js';
import { noticeHeader, type NoticeHeaderInput } from './content.js';

/**
 * The Art. 27 notice content (template `art27` of content-schema.ts): the shared notice header, the
 * physician's register (rules, citation, evidence references and params — for the card and the
 * audit) and the woman's register per locale (art27-schema.ts). Pure data, fixed at card time and
 * hashed like the Art. 25 notice (docs/design.md#written-notice).
 */
export type Art27NoticeContent = Art27Content;

export interface Art27ContentInput extends NoticeHeaderInput {
  /** The `abnormal-result-notice` finding. */
  readonly finding: Finding;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A FHIR date or dateTime as words: 2026年11月28日 / 28 November 2026; a partial date as far as it goes. */
export function dateInWords(date: string | undefined, l: Locale): string {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date ?? '');
  if (!match) return m(l, 'notice.art27.unknownDate');
  const [, y, mo, d] = match;
  if (!mo) return l === 'en' ? y! : `${y}年`;
  if (!d) return l === 'en' ? `${MONTHS[Number(mo) - 1]} ${y}` : `${y}年${Number(mo)}月`;
  return m(l, 'notice.art27.date', { year: y!, month: Number(mo), monthName: MONTHS[Number(mo) - 1]!, day: Number(d) });
}

/** Gestational age in words: 29周3天 / 29 weeks and 3 days. */
export function gaInWords(gaDays: number, l: Locale): string {
  return m(l, 'notice.art27.ga', { weeks: Math.floor(gaDays / 7), days: gaDays % 7 });
}

/** What the report concluded, in the lab's words: its conclusion text, else the code's display — never the code. */
function resultWords(i: AbnormalResultItem, l: Locale): string {
  const words = i.text?.trim() || i.code?.display?.trim();
  return words ? isolate(words) : m(l, `notice.art27.result.kind.${i.kind}`);
}

function isAbnormalParams(p: unknown): p is AbnormalResultNoticeParams {
  return !!p && typeof p === 'object' && Array.isArray((p as AbnormalResultNoticeParams).items);
}

function texts(input: Art27ContentInput, params: AbnormalResultNoticeParams, physicianName: string | undefined, l: Locale): Art27Texts {
  const institutionName = (i: AbnormalResultItem): string => isolate(i.performerName ?? input.institution?.name ?? '');
  const kinds = params.kinds.map((k) => m(l, `notice.art27.result.kind.${k}`)).join(m(l, 'notice.art27.listSeparator'));
  const continuing = [m(l, 'notice.art27.continuing.general')];
  if (params.kinds.includes('chromosomal')) continuing.push(m(l, 'notice.art27.continuing.chromosomal'));
  continuing.push(m(l, 'notice.art27.continuing.pregnancy'));
  const ethics =
    params.ethicsReview && params.gaDays !== undefined
      ? m(l, 'notice.art27.ethics.flagged', { ga: gaInWords(params.gaDays, l), threshold: Math.floor(params.ethicsReviewGaDays / 7) })
      : m(l, 'notice.art27.ethics.general');
  const date = m(l, 'notice.art27.sign.date');
  return {
    legalBasis: m(l, 'notice.art27.legalBasis'),
    sections: [
      {
        key: 'result',
        heading: m(l, 'notice.art27.section.result'),
        paragraphs: [
          ...params.items.map((i) =>
            m(l, 'notice.art27.result.item', { date: dateInWords(i.date, l), institution: institutionName(i), result: resultWords(i, l) }),
          ),
          m(l, 'notice.art27.result.summary', { kinds }),
        ],
      },
      { key: 'continuing', heading: m(l, 'notice.art27.section.continuing'), paragraphs: continuing },
      {
        key: 'terminating',
        heading: m(l, 'notice.art27.section.terminating'),
        paragraphs: [
          m(l, 'notice.art27.terminating.method'),
          m(l, 'notice.art27.terminating.risk'),
          m(l, 'notice.art27.terminating.after'),
        ],
      },
      {
        key: 'management',
        heading: m(l, 'notice.art27.section.management'),
        paragraphs: [
          m(l, 'notice.art27.management.counselling'),
          m(l, 'notice.art27.management.care'),
          m(l, 'notice.art27.management.physician'),
        ],
      },
      { key: 'choice', heading: m(l, 'notice.art27.section.choice'), paragraphs: [m(l, 'notice.art27.choice.text')] },
      { key: 'capacity', heading: m(l, 'notice.art27.section.capacity'), paragraphs: [m(l, 'notice.art27.capacity.text')] },
      { key: 'ethics', heading: m(l, 'notice.art27.section.ethics'), paragraphs: [ethics] },
    ],
    decision: {
      statement: m(l, 'notice.art27.decision.statement'),
      choices: {
        continue: m(l, 'notice.art27.decision.continue'),
        terminate: m(l, 'notice.art27.decision.terminate'),
        undecided: m(l, 'notice.art27.decision.undecided'),
      },
    },
    signatures: [
      { role: 'woman', label: m(l, 'notice.art27.sign.woman'), fields: [date] },
      { role: 'spouse', label: m(l, 'notice.art27.sign.spouse'), fields: [date] },
      {
        role: 'next-of-kin',
        label: m(l, 'notice.art27.sign.nextOfKin'),
        fields: [m(l, 'notice.art27.sign.relationship'), date],
        note: m(l, 'notice.art27.sign.nextOfKin.note'),
      },
      {
        role: 'physician',
        label: m(l, 'notice.art27.sign.physician'),
        fields: [date],
        ...(physicianName ? { note: m(l, 'notice.art27.sign.physician.note', { name: isolate(physicianName) }) } : {}),
      },
    ],
  };
}

/**
 * Builds the Art. 27 written notice (ZJ-2023 Art.27) as pure data at card time: the result in the
 * lab's words with its date and institution, the possible outcomes of continuing and of terminating
 * the pregnancy, the further management proposed (with room for the physician's own advice), the
 * choice by both spouses, the next-of-kin path, the medical ethics committee (flagged by
 * ART27_ETHICS_REVIEW_GA_DAYS), choice boxes and the signature blocks of the woman, her husband, the
 * next of kin and the physician. Deterministic: the same input gives the same content (and hash).
 */
export function buildArt27NoticeContent(input: Art27ContentInput): Art27NoticeContent {
  const { finding } = input;
  if (finding.rule !== 'abnormal-result-notice' || !isAbnormalParams(finding.params)) {
    throw new Error(`buildArt27NoticeContent: not an abnormal-result-notice finding (${finding.rule})`);
  }
  const params = finding.params;
  const header = noticeHeader(input);
  const byLocale = Object.fromEntries(LOCALES.map((l) => [l, texts(input, params, header.physician.name, l)])) as Record<
    Locale,
    Art27Texts
  >;
  return {
    ...header,
    template: 'art27',
    rules: [finding.rule],
    indications: [{ rule: finding.rule, citation: finding.citation, evidence: [...finding.evidence], params: { ...finding.params } }],
    texts: byLocale,
  };
}
