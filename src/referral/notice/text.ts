import { isolate } from '../../render/isolate.js';
import { message, type Locale } from '../../render/messages.js';
import type { NoticeContent, NoticeInstitution } from './content-schema.js';
import { noticeMessage as nm } from './messages.js';
import { dateWords, gaWords } from './words.js';

/**
 * The written notice as plain text in one locale: the `payload.contentString` of the notice
 * Communication (a FHIR string, not markup — patient-derived text stays as recorded). The woman's
 * register, as printed: no codes, no references.
 */

/** "36周岁" / "36 years", or the locale's "unknown". */
export function ageText(age: number | undefined, locale: Locale): string {
  return age === undefined ? message(locale, 'age.unknown') : message(locale, 'age.years', { age });
}

/** Institution name, address and telephone on one line. */
export function institutionLine(i: NoticeInstitution, locale: Locale): string {
  const sep = locale === 'en' ? '; ' : '；';
  const colon = locale === 'en' ? ': ' : '：';
  return [
    isolate(i.name),
    i.address ? `${nm(locale, 'page.where.address')}${colon}${isolate(i.address)}` : undefined,
    i.phone ? `${nm(locale, 'page.where.phone')}${colon}${isolate(i.phone)}` : undefined,
  ]
    .filter(Boolean)
    .join(sep);
}

export function noticePlainText(c: NoticeContent, locale: Locale): string {
  const unknown = nm(locale, 'page.unknown');
  const colon = locale === 'en' ? ': ' : '：';
  const head: string[] = [
    // Record-derived names are isolated (src/render/isolate.ts): bidi controls cannot reorder the ages after them.
    nm(locale, 'text.header', { title: nm(locale, 'page.title'), institution: c.institution ? isolate(c.institution.name) : unknown }),
    nm(locale, 'text.woman', {
      name: c.woman.name === undefined ? unknown : isolate(c.woman.name),
      record: c.recordNumber ?? unknown,
      age: ageText(c.woman.ageYears, locale),
      ageAtEdd: ageText(c.woman.ageAtEddYears, locale),
      ga: c.pregnancy.gaDays === undefined ? unknown : gaWords(c.pregnancy.gaDays, locale),
      edd: dateWords(c.pregnancy.edd, locale) ?? unknown,
    }),
    '',
  ];
  const tail = [
    nm(locale, 'text.issued', {
      date: dateWords(c.issuedOn, locale) ?? c.issuedOn,
      physician: c.physician.name ? isolate(c.physician.name) : unknown,
      id: c.noticeId,
    }),
  ];
  if (c.template === 'art27') {
    const t = c.texts[locale];
    const body = t.sections.flatMap((s) => [s.heading, ...s.paragraphs, '']);
    return [...head, ...body, nm(locale, 'page.legalNote', { basis: t.legalBasis }), ...tail].join('\n');
  }
  const t = c.texts[locale];
  const lines: string[] = [
    ...head,
    nm(locale, 'page.section.indications'),
    ...t.indications.map(
      (i, n) =>
        `${n + 1}. ${i.label}${colon}${i.sentence}${i.legalBasis ? `${locale === 'en' ? ' (' : '（'}${i.legalBasis}${locale === 'en' ? ')' : '）'}` : ''}`,
    ),
    '',
    nm(locale, 'page.section.recommendation'),
    t.recommendation,
    '',
    nm(locale, 'page.section.about'),
    ...t.about,
    '',
    nm(locale, 'page.section.timing'),
    ...t.timing,
    '',
    nm(locale, 'page.section.declining'),
    ...t.declining,
    '',
    nm(locale, 'page.section.choice'),
    t.choice,
    '',
    nm(locale, 'text.where', {
      where: c.referralInstitution ? institutionLine(c.referralInstitution, locale) : nm(locale, 'choices.institution.unnamed'),
    }),
    nm(locale, 'page.legalNote', { basis: t.legalBasis }),
    ...tail,
  ];
  return lines.join('\n');
}
