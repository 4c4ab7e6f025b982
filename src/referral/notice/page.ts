import type { StoredNotice } from '../../engine/stored-notice.js';
import { alwaysIsolate as own, isolate, isolatedHtml as h } from '../../render/isolate.js';
import { type Locale } from '../../render/messages.js';
import { ageText } from './text.js';
import { noticeContentSchema, type Art25Content, type Art27Content, type NoticeContent, type NoticeInstitution } from './content-schema.js';
import { noticeMessage, type NoticeMessageKey } from './messages.js';
import { ART27_CSS, renderArt27Body } from './art27-page.js';
import { art27Message } from './art27-messages.js';
import { NOTICE_CSS } from './style.js';
import { dateWords, gaWords } from './words.js';

/**
 * The printable written notice served at `GET /notices/{id}` (docs/design.md#written-notice): a
 * complete HTML document with print CSS, no scripts and no external resources. page.ts draws the
 * frame every template shares — title, the facts table (name, record number, ages, weeks, due
 * date, notice number, physician, institution), the hash line saying which language versions the
 * hash covers, and on every printed page a running footer (name, record number, notice number, page
 * x of y: CSS page-margin boxes) — and prints it twice: the institution's copy and the woman's copy
 * ("孕妇留存联", print only, from a new page). The body comes from the template's renderer
 * (`TEMPLATE_BODIES`). Every value is HTML-escaped; record-derived text is isolated
 * (src/render/isolate.ts): names and institutions in `<bdi>`, stored sentences' FSI…PDI as `<bdi>`.
 * Throws (a bug or a corrupt store) when `notice.content` is not a notice content.
 */
type Msg = (key: NoticeMessageKey, values?: Parameters<typeof noticeMessage>[2]) => string;

interface Frame {
  readonly lang: Locale;
  /** Escaped message. */
  readonly m: Msg;
  readonly colon: string;
}

type BodyRenderer<C extends NoticeContent> = (c: C, f: Frame) => string;

/** The page section of each template: how a second template plugs in (content-schema.ts). */
const TEMPLATE_BODIES: { readonly [T in NoticeContent['template']]: BodyRenderer<Extract<NoticeContent, { template: T }>> } = {
  art25: art25Body,
  art27: art27Body,
};

/** The title of each template's notice (heading and document title): Art. 27 has its own. */
const TEMPLATE_TITLES: { readonly [T in NoticeContent['template']]: (lang: Locale) => string } = {
  art25: (lang) => noticeMessage(lang, 'page.title'),
  art27: (lang) => art27Message(lang, 'notice.art27.title'),
};

export function renderNoticeHtml(notice: StoredNotice, lang: Locale): string {
  const c = noticeContentSchema.parse(notice.content);
  const m: Msg = (key, values) => h(noticeMessage(lang, key, values));
  const f: Frame = { lang, m, colon: lang === 'en' ? ': ' : '：' };
  const body = (TEMPLATE_BODIES[c.template] as BodyRenderer<NoticeContent>)(c, f);
  const title = h(TEMPLATE_TITLES[c.template](lang));
  const copy = (which: 'institution' | 'woman') => `<main class="notice copy-${which}">
<header>
<h1>${title}</h1>
<p class="institution">${m('page.institution')}${f.colon}${institutionName(c.institution)}</p>
</header>
${factsTable(c, f)}
${c.woman.name ? `<p class="greeting">${m('page.greeting', { name: own(c.woman.name) })}</p>` : ''}
${body}
<footer>
<p>${m('page.hash', {
    languages: c.languages.map((l) => noticeMessage(lang, `page.language.${l}`)).join(lang === 'en' ? ', ' : '、'),
    language: noticeMessage(lang, `page.language.${lang}`),
    hash: notice.hash,
  })}</p>
</footer>
</main>`;
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${NOTICE_CSS}${c.template === 'art27' ? ART27_CSS : ''}${runningFooterCss(c, notice.id, lang)}</style>
</head>
<body>
${copy('institution')}
${copy('woman')}
</body>
</html>
`;
}

/** The institution's name in `<bdi>`, or a line to write it on — never a placeholder name. */
function institutionName(i: NoticeInstitution | undefined): string {
  return i ? h(own(i.name)) : '<span class="line write-in"></span>';
}

/** A CSS string literal: every character outside [A-Za-z0-9 ] as a hex escape (nothing can end the string or the style element). */
function cssString(s: string): string {
  let out = '"';
  for (const ch of s) out += /[A-Za-z0-9 ]/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  return `${out}"`;
}

/** "第 {page} 页，共 {pages} 页" as CSS content with the page counters. */
function pageOfContent(lang: Locale): string {
  const template = noticeMessage(lang, 'page.pageOf', { page: '\u0000page\u0000', pages: '\u0000pages\u0000' });
  return template
    .split('\u0000')
    .map((part, i) => (i % 2 === 1 ? `counter(${part})` : part ? cssString(part) : ''))
    .filter(Boolean)
    .join(' ');
}

/**
 * The running footer of every printed page, as page-margin boxes (Chromium ≥ 131 prints them, with
 * `counter(page)` / `counter(pages)`; checked on the PDF by test/browser/notice-print.test.ts): her
 * name, record number and the notice number bottom left, page x of y bottom right, and which copy
 * the page belongs to top right (named pages).
 */
function runningFooterCss(c: NoticeContent, id: string, lang: Locale): string {
  const unknown = noticeMessage(lang, 'page.unknown');
  const running = noticeMessage(lang, 'page.running', {
    name: c.woman.name ? isolate(c.woman.name) : unknown,
    record: c.recordNumber ?? unknown,
    id,
  });
  const box = 'font-size: 8pt; color: #000;';
  return `
@page { @bottom-left { content: ${cssString(running)}; ${box} white-space: nowrap; } @bottom-right { content: ${pageOfContent(lang)}; ${box} white-space: nowrap; } }
@page institution-copy { @top-right { content: ${cssString(noticeMessage(lang, 'page.copy.institution'))}; ${box} } }
@page woman-copy { @top-right { content: ${cssString(noticeMessage(lang, 'page.copy.woman'))}; ${box} } }
`;
}

function factsTable(c: NoticeContent, f: Frame): string {
  const { lang, m } = f;
  const unknown = m('page.unknown');
  const cell = (v: string | undefined) => (v === undefined || v === '' ? unknown : h(v));
  const row = (a: NoticeMessageKey, av: string, b: NoticeMessageKey, bv: string): string =>
    `<tr><th>${m(a)}</th><td>${av}</td><th>${m(b)}</th><td>${bv}</td></tr>`;
  return `<table class="facts">
${row('page.woman', c.woman.name ? h(own(c.woman.name)) : unknown, 'page.recordNumber', cell(c.recordNumber))}
${row('page.age', h(ageText(c.woman.ageYears, lang)), 'page.ageAtEdd', h(ageText(c.woman.ageAtEddYears, lang)))}
${row('page.ga', c.pregnancy.gaDays === undefined ? unknown : h(gaWords(c.pregnancy.gaDays, lang)), 'page.edd', cell(dateWords(c.pregnancy.edd, lang)))}
${row('page.issued', cell(dateWords(c.issuedOn, lang)), 'page.noticeNumber', h(c.noticeId))}
${row('page.physician', c.physician.name ? h(own(c.physician.name)) : '<span class="line write-in"></span>', 'page.institution', institutionName(c.institution))}
</table>`;
}

/** A signature field: label, then a ruled line that takes the rest of its cell (nothing overflows the page). */
function field(label: string, f: Frame, cls = ''): string {
  return `<div class="field${cls ? ` ${cls}` : ''}"><span class="label">${label}${f.colon}</span><span class="line"></span></div>`;
}

function art25Body(c: Art25Content, f: Frame): string {
  const { m, colon } = f;
  const t = c.texts[f.lang];
  const where = c.referralInstitution;
  const whereRow = (key: NoticeMessageKey, v: string | undefined) =>
    `<dt>${m(key)}</dt><dd>${v ? h(own(v)) : '<span class="line write-in"></span>'}</dd>`;
  return `<section class="indications">
<h2>${m('page.section.indications')}</h2>
<ol class="indications">
${t.indications
  .map(
    (i) => `<li><strong>${h(i.label)}</strong>${colon}${h(i.sentence)}
${i.legalBasis ? `<div class="basis">${m('page.legalBasis')}${colon}${h(i.legalBasis)}</div>` : ''}
${i.evidence.length ? `<div class="basis">${m('page.evidence')}${colon}</div><ul class="evidence">${i.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : ''}
</li>`,
  )
  .join('\n')}
</ol>
</section>
<section class="recommendation">
<h2>${m('page.section.recommendation')}</h2>
<p>${h(t.recommendation)}</p>
</section>
<section class="about">
<h2>${m('page.section.about')}</h2>
${t.about.map((p) => `<p>${h(p)}</p>`).join('\n')}
</section>
<section class="timing">
<h2>${m('page.section.timing')}</h2>
${t.timing.map((p) => `<p>${h(p)}</p>`).join('\n')}
</section>
<section class="declining">
<h2>${m('page.section.declining')}</h2>
${t.declining.map((p) => `<p>${h(p)}</p>`).join('\n')}
</section>
<section class="choice">
<h2>${m('page.section.choice')}</h2>
<p>${h(t.choice)}</p>
</section>
<section class="where">
<h2>${m('page.section.where')}</h2>
<dl class="where">
${whereRow('page.where.name', where?.name)}
${where?.address || !where ? whereRow('page.where.address', where?.address) : ''}
${where?.phone || !where ? whereRow('page.where.phone', where?.phone) : ''}
</dl>
</section>
<section class="decision">
<h2>${m('page.section.decision')}</h2>
<p>${m('page.decision.statement')}</p>
<ul class="choices">
<li data-choice="accepted-referral"><span class="box">☐</span><span>${h(t.choices.accept)}</span></li>
<li data-choice="declined"><span class="box">☐</span><span>${h(t.choices.decline)}</span></li>
<li data-choice="postponed"><span class="box">☐</span><span>${h(t.choices.postponed)}</span></li>
</ul>
</section>
<section class="signatures">
<div class="sign-grid">
${field(m('page.sign.woman'), f, 'wide')}
${field(m('page.sign.relationship'), f)}
${field(m('page.sign.date'), f)}
${field(`${m('page.sign.physician')}${c.physician.name ? (f.lang === 'en' ? ` (${h(own(c.physician.name))})` : `（${h(own(c.physician.name))}）`) : ''}`, f, 'wide')}
${field(m('page.sign.date'), f)}
</div>
</section>
<p class="legal">${m('page.legalNote', { basis: t.legalBasis })}</p>`;
}

/** The Art. 27 notice's body (rule `abnormal-result-notice`): its own renderer, art27-page.ts. */
function art27Body(c: Art27Content, f: Frame): string {
  return renderArt27Body(c.texts[f.lang], f.lang);
}
