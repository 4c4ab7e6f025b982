import type { PregnancyFacts } from '../clinical/finding-params.js';
import type { Finding } from '../engine/rule.js';
import { escapeMarkdown as md } from '../render/escape.js';
import { formatDate } from '../render/evidence-text.js';
import { isolate } from '../render/isolate.js';
import { describeFinding, listText, ruleLabel } from './finding-text.js';
import { lookupMessage, message, type Locale } from '../render/messages.js';

/**
 * Summary and markdown detail of the referral card. Every sentence is built as plain text and
 * escaped whole with escapeMarkdown, so patient-derived text can never inject markup; structure
 * (headings, lists, emphasis) comes from this code only.
 */

/** The notice already documented for this pregnancy, as the card builder is told about it. */
export interface ExistingNotice {
  readonly date: string;
  readonly rules: readonly string[];
  readonly reference: string;
  /**
   * The notice (our id, `notice-id` extension) that the newest of those Communications records, with
   * the rules it alone covered: a later call re-links that stored notice (docs/design.md#notice-links).
   */
  readonly latest?: { readonly noticeId: string; readonly rules: readonly string[] };
}

/** CDS Hooks: summary "<140 characters" (https://cds-hooks.hl7.org/2.0/#card-attributes). */
export const SUMMARY_MAX = 139;

function fit(candidates: readonly string[]): string {
  const ok = candidates.find((s) => [...s].length <= SUMMARY_MAX);
  if (ok) return ok;
  const last = [...(candidates.at(-1) ?? '')];
  return `${last.slice(0, SUMMARY_MAX - 1).join('')}…`;
}

/** Plain-text summary (no patient data), always shorter than 140 characters. */
export function referralSummary(
  rules: readonly string[],
  uncovered: readonly string[],
  existing: ExistingNotice | undefined,
  l: Locale,
): string {
  if (existing && uncovered.length === 0) return fit([message(l, 'card.summary.info', { date: formatDate(existing.date) })]);
  const labels = (rs: readonly string[]): string =>
    listText(
      rs.map((r) => ruleLabel(r, l)),
      l,
    );
  if (existing) {
    return fit([
      message(l, 'card.summary.uncovered', { labels: labels(uncovered) }),
      message(l, 'card.summary.uncoveredCount', { count: uncovered.length }),
    ]);
  }
  if (rules.length === 1) return fit([message(l, 'card.summary.one', { label: labels(rules) })]);
  return fit([
    message(l, 'card.summary.list', { count: rules.length, labels: labels(rules) }),
    message(l, 'card.summary.count', { count: rules.length }),
  ]);
}

export interface DetailInput {
  readonly findings: readonly Finding[];
  readonly facts: PregnancyFacts;
  readonly uncovered: readonly string[];
  readonly existing?: ExistingNotice;
  /** Woman's name (raw, patient-derived) and ages as on the notice. */
  readonly name?: string;
  readonly age: string;
  readonly ageAtEdd: string;
  readonly noticeCitation: string;
  readonly choiceCitation: string;
  readonly locale: Locale;
}

function pregnancyLine(f: PregnancyFacts, l: Locale): string {
  if (!f.edd) return message(l, 'card.detail.pregnancyUnknown');
  return message(l, 'card.detail.pregnancy', {
    ga: f.ga ?? message(l, 'notice.unknown'),
    edd: f.edd.date,
    eddSource: lookupMessage(l, `eddSource.${f.edd.source}`) ?? f.edd.source,
  });
}

/** The card `detail` (GitHub-flavoured markdown): facts, each finding with evidence and citation, the notice. */
export function referralDetail(d: DetailInput): string {
  const l = d.locale;
  const out: string[] = [`**${md(pregnancyLine(d.facts, l))}**`, '', `### ${md(message(l, 'card.detail.indications'))}`, ''];
  d.findings.forEach((f, i) => {
    const t = describeFinding(f, l);
    out.push(`${i + 1}. **${md(t.label)}** — ${md(t.sentence)}`);
    out.push(`   - ${md(message(l, 'card.detail.citation', { citation: t.citation }))}`);
    if (t.evidence.length) out.push(`   - ${md(message(l, 'card.detail.evidence'))} ${t.evidence.map(md).join('; ')}`);
  });
  out.push('', `### ${md(message(l, 'card.detail.notice'))}`, '');
  out.push(md(message(l, 'card.detail.noticeDue', { citation: d.noticeCitation, choiceCitation: d.choiceCitation })), '');
  // The name is isolated: bidi controls in it cannot reorder the ages after it (src/render/isolate.ts).
  const name = d.name === undefined ? message(l, 'notice.unknown') : isolate(d.name);
  out.push(md(message(l, 'card.detail.noticeFor', { name, age: d.age, ageAtEdd: d.ageAtEdd })), '');
  if (d.existing) {
    const date = formatDate(d.existing.date);
    out.push(
      md(
        d.uncovered.length === 0
          ? message(l, 'card.detail.noticeGiven', { date, reference: d.existing.reference })
          : message(l, 'card.detail.noticePartial', {
              date,
              reference: d.existing.reference,
              labels: listText(
                d.uncovered.map((r) => ruleLabel(r, l)),
                l,
              ),
            }),
      ),
    );
    out.push('');
  }
  if (!d.existing || d.uncovered.length) out.push(md(message(l, 'card.detail.noticePrint')));
  return out.join('\n').trimEnd();
}
