import type { Communication } from '@medplum/fhirtypes';
import type { Card } from '../cds-hooks/card-schema.js';
import type { ClinicalNow } from '../clock.js';
import { EXTENSIONS, NOTICE_CATEGORY_CODE, PROFILES, SYSTEMS } from '../clinical/codes.js';
import type { AbnormalResultNoticeParams } from '../clinical/finding-params.js';
import type { Finding } from '../engine/rule.js';
import { findingsExtension, overrideReasons, SUMMARY_MAX } from '../render/card-kit.js';
import { escapeMarkdown as md } from '../render/escape.js';
import { evidenceLine, formatDate } from '../render/evidence-text.js';
import { isolate } from '../render/isolate.js';
import { message, type Locale, type MessageKey } from '../render/messages.js';
import type { ExistingNotice } from './card-detail.js';
import { CARD_SOURCE_LABEL } from './card.js';
import { listText, ruleLabel } from './finding-text.js';
import type { Art27NoticeContent } from './notice/art27-content.js';
import { art27Message as m } from './notice/art27-messages.js';

export const ART27_RULE = 'abnormal-result-notice';
/** Override reasons of the Art. 27 card (codes of the override-reason CodeSystem). */
const OVERRIDE_CODES = ['data-incorrect', 'not-currently-pregnant'] as const;

export interface Art27CardInput {
  /** The `abnormal-result-notice` finding. */
  readonly finding: Finding;
  /** The other referral findings of the call (Art. 24 indications, screening): listed, no Art. 25 notice. */
  readonly others: readonly Finding[];
  readonly existingNotice?: ExistingNotice;
  readonly noticeId: string;
  /** Absolute URL of the printable notice. */
  readonly noticeUrl: string;
  readonly notice: Art27NoticeContent;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly now: ClinicalNow;
  readonly patientRef: string;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
}

function withLang(url: string, locale: Locale): string {
  if (locale !== 'en') return url;
  const u = new URL(url);
  if (!u.searchParams.has('lang')) u.searchParams.set('lang', 'en');
  return u.toString();
}

const fit = (s: string): string => ([...s].length <= SUMMARY_MAX ? s : `${[...s].slice(0, SUMMARY_MAX - 1).join('')}…`);

/** The Art. 27 notice as plain text in one locale (the Communication's `payload.contentString`). */
export function art27PlainText(c: Art27NoticeContent, l: Locale): string {
  const t = c.texts[l];
  const lines = [c.institution ? `${m(l, 'notice.art27.title')} — ${c.institution.name}` : m(l, 'notice.art27.title'), ''];
  for (const s of t.sections) lines.push(s.heading, ...s.paragraphs, '');
  lines.push(
    t.decision.statement,
    `☐ ${t.decision.choices.continue}`,
    `☐ ${t.decision.choices.terminate}`,
    `☐ ${t.decision.choices.undecided}`,
    '',
  );
  lines.push(t.legalBasis, `${c.noticeId} · ${c.issuedOn}`);
  return lines.join('\n');
}

/** The notice Communication of the Art. 27 notice: same profile, category and extensions as the Art. 25 one; `about` the reports. */
function art27Communication(i: Art27CardInput, reports: readonly string[]): Communication {
  const l = i.locale;
  return {
    resourceType: 'Communication',
    meta: { profile: [PROFILES.writtenNoticeCommunication] },
    extension: [
      { url: EXTENSIONS.noticeRules, valueCode: ART27_RULE },
      { url: EXTENSIONS.noticeId, valueString: i.noticeId },
    ],
    status: 'completed',
    category: [{ coding: [{ system: SYSTEMS.noticeCategory, code: NOTICE_CATEGORY_CODE }], text: m(l, 'card.art27.resource.text') }],
    subject: { reference: i.patientRef },
    ...(i.encounterRef ? { encounter: { reference: i.encounterRef } } : {}),
    about: reports.map((reference) => ({ reference })),
    sent: i.now.instant,
    ...(i.practitionerRef ? { sender: { reference: i.practitionerRef } } : {}),
    payload: [
      { contentString: art27PlainText(i.notice, l) },
      { contentAttachment: { contentType: 'text/html', url: withLang(i.noticeUrl, l), title: m(l, 'card.art27.resource.attachment') } },
    ],
  };
}

/**
 * The Art. 27 card (docs/rules.md#abnormal-result-notice): `warning` — the abnormal result, the duty
 * to tell the woman and her husband in writing, the ethics-committee referral when flagged, the
 * other indications of the pregnancy (listed; the Art. 27 notice replaces the Art. 25 one, prenatal
 * diagnosis having been done) — with the print link and the notice Communication suggestion; `info`
 * when a notice Communication on file already covers `abnormal-result-notice`. Pure.
 */
export function buildArt27Card(i: Art27CardInput): Card {
  const l = i.locale;
  const p = i.finding.params as unknown as AbnormalResultNoticeParams;
  const existing = i.existingNotice;
  const covered = !!existing && existing.rules.includes(ART27_RULE);
  const reports = p.items.map((it) => it.reference);
  const lines: string[] = [];
  if (covered)
    lines.push(md(m(l, 'card.art27.detail.covered', { date: formatDate(existing.date), reference: isolate(existing.reference) })), '');
  lines.push(md(m(l, 'card.art27.detail.intro', { citation: i.finding.citation })), '', `**${md(m(l, 'card.art27.detail.results'))}**`, '');
  for (const it of p.items) lines.push(`- ${md(evidenceLine(it, l))}`);
  lines.push('');
  if (p.ethicsReview && i.notice.pregnancy.ga) {
    lines.push(
      `**${md(m(l, 'card.art27.detail.ethics', { ga: i.notice.pregnancy.ga, threshold: Math.floor(p.ethicsReviewGaDays / 7) }))}**`,
      '',
    );
  }
  if (i.others.length > 0) {
    const labels = listText(
      [...new Set(i.others.map((f) => f.rule))].map((r) => ruleLabel(r, l)),
      l,
    );
    lines.push(md(m(l, 'card.art27.detail.other', { labels })), '');
  }
  if (!covered) lines.push(md(m(l, 'card.art27.detail.notice')));
  const url = withLang(i.noticeUrl, l);
  return {
    uuid: i.newId(),
    summary: fit(covered ? m(l, 'card.art27.summary.covered', { date: formatDate(existing.date) }) : m(l, 'card.art27.summary')),
    detail: lines.join('\n').trim(),
    indicator: covered ? 'info' : 'warning',
    source: {
      label: CARD_SOURCE_LABEL,
      topic: { system: SYSTEMS.prenatalOrder, code: 'prenatal-diagnosis-referral', display: message(l, 'card.topic') },
    },
    ...(covered
      ? {}
      : {
          suggestions: [
            {
              label: m(l, 'card.art27.suggestion.notice'),
              uuid: i.newId(),
              isRecommended: true,
              actions: [
                { type: 'create' as const, description: m(l, 'card.art27.action.notice'), resource: { ...art27Communication(i, reports) } },
              ],
            },
          ],
          selectionBehavior: 'any' as const,
        }),
    overrideReasons: overrideReasons(OVERRIDE_CODES, new Set(OVERRIDE_CODES), (code) => message(l, `override.${code}` as MessageKey)),
    links: [{ label: m(l, 'card.art27.link'), url, type: 'absolute' }],
    extension: findingsExtension([i.finding, ...i.others]),
  };
}
