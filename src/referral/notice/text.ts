import { isolate } from '../../render/isolate.js';
import { message, type Locale } from '../../render/messages.js';
import type { NoticeContent, NoticeInstitution } from './content-schema.js';

/**
 * The written notice as plain text in one locale: the `payload.contentString` of the notice
 * Communication (a FHIR string, not markup — patient-derived text stays as recorded).
 */

/** "36周岁" / "36 years", or the locale's "unknown". */
export function ageText(age: number | undefined, locale: Locale): string {
  return age === undefined ? message(locale, 'age.unknown') : message(locale, 'age.years', { age });
}

/** Institution name, address and telephone on one line. */
export function institutionLine(i: NoticeInstitution, locale: Locale): string {
  const sep = locale === 'en' ? '; ' : '；';
  return [
    i.name,
    i.address ? `${message(locale, 'notice.where.address')}${locale === 'en' ? ': ' : '：'}${i.address}` : undefined,
    i.phone ? `${message(locale, 'notice.where.phone')}${locale === 'en' ? ': ' : '：'}${i.phone}` : undefined,
  ]
    .filter(Boolean)
    .join(sep);
}

export function noticePlainText(c: NoticeContent, locale: Locale): string {
  const t = c.texts[locale];
  const unknown = message(locale, 'notice.unknown');
  const lines: string[] = [
    // Record-derived names are isolated (src/render/isolate.ts): bidi controls cannot reorder the ages after them.
    message(locale, 'notice.text.header', { title: message(locale, 'notice.title'), institution: isolate(c.institution.name) }),
    message(locale, 'notice.text.woman', {
      name: c.woman.name === undefined ? unknown : isolate(c.woman.name),
      age: ageText(c.woman.ageYears, locale),
      ageAtEdd: ageText(c.woman.ageAtEddYears, locale),
      ga: c.pregnancy.ga ?? unknown,
      edd: c.pregnancy.edd ?? unknown,
    }),
    '',
    message(locale, 'notice.section.indications'),
    ...t.indications.map((i, n) =>
      locale === 'en' ? `${n + 1}. ${i.label}: ${i.sentence} (${i.citation})` : `${n + 1}. ${i.label}：${i.sentence}（${i.citation}）`,
    ),
    '',
    message(locale, 'notice.section.recommendation'),
    t.recommendation,
    '',
    message(locale, 'notice.section.about'),
    ...t.about,
    '',
    message(locale, 'notice.section.choice'),
    t.choice,
    '',
    message(locale, 'notice.text.where', { where: institutionLine(c.referralInstitution, locale) }),
    message(locale, 'notice.legalNote', { citation: t.legalBasis }),
    message(locale, 'notice.text.issued', { date: c.issuedOn, id: c.noticeId }),
  ];
  return lines.join('\n');
}
