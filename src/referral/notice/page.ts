import type { StoredNotice } from '../../engine/stored-notice.js';
import { alwaysIsolate as own, isolatedHtml as h } from '../../render/isolate.js';
import { message, type Locale } from '../../render/messages.js';
import { noticeContentSchema, type NoticeContent } from './content-schema.js';
import { NOTICE_CSS } from './style.js';
import { ageText } from './text.js';

/**
 * The printable written notice (ZJ-2023 Art.25; PDM Art.20) served at `GET /notices/{id}`
 * (docs/design.md#written-notice): a complete HTML document with print CSS, no scripts and no external
 * resources. Every value from the stored content is HTML-escaped; catalogue text is escaped too.
 * Record-derived text is isolated (src/render/isolate.ts): the name and the institutions' names,
 * addresses and phones each in `<bdi>` (`own`); the stored sentences and evidence lines carry
 * FSI…PDI around their record-derived parts, shown as `<bdi>` — so a bidi control in a name cannot
 * reorder the greeting or the ages, nor one in a display text the value and date after it.
 * Throws (a bug or a corrupt store) when `notice.content` is not a notice content.
 */
export function renderNoticeHtml(notice: StoredNotice, lang: Locale): string {
  const c = noticeContentSchema.parse(notice.content);
  const m = (key: Parameters<typeof message>[1], values?: Parameters<typeof message>[2]): string => h(message(lang, key, values));
  const t = c.texts[lang];
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m('notice.title')}</title>
<style>${NOTICE_CSS}</style>
</head>
<body>
<main class="notice">
<header>
<h1>${m('notice.title')}</h1>
<p class="institution">${m('notice.institution')}${colon(lang)}${h(own(c.institution.name))}</p>
</header>
${factsTable(c, lang)}
${c.woman.name ? `<p class="greeting">${m('notice.greeting', { name: own(c.woman.name) })}</p>` : ''}
<section class="indications">
<h2>${m('notice.section.indications')}</h2>
<ol class="indications">
${t.indications
  .map(
    (i) => `<li><strong>${h(i.label)}</strong>${colon(lang)}${h(i.sentence)}
<div class="basis">${m('notice.legalBasis')}${colon(lang)}${h(i.citation)}</div>
${i.evidence.length ? `<div class="basis">${m('notice.evidence')}${colon(lang)}</div><ul class="evidence">${i.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : ''}
</li>`,
  )
  .join('\n')}
</ol>
</section>
<section class="recommendation">
<h2>${m('notice.section.recommendation')}</h2>
<p>${h(t.recommendation)}</p>
</section>
<section class="about">
<h2>${m('notice.section.about')}</h2>
${t.about.map((p) => `<p>${h(p)}</p>`).join('\n')}
</section>
<section class="choice">
<h2>${m('notice.section.choice')}</h2>
<p>${h(t.choice)}</p>
</section>
<section class="where">
<h2>${m('notice.section.where')}</h2>
<dl class="where">
<dt>${m('notice.where.name')}</dt><dd>${h(own(c.referralInstitution.name))}</dd>
${c.referralInstitution.address ? `<dt>${m('notice.where.address')}</dt><dd>${h(own(c.referralInstitution.address))}</dd>` : ''}
${c.referralInstitution.phone ? `<dt>${m('notice.where.phone')}</dt><dd>${h(own(c.referralInstitution.phone))}</dd>` : ''}
</dl>
</section>
<section class="decision">
<h2>${m('notice.section.decision')}</h2>
<p>${m('notice.decision.statement')}</p>
<ul class="choices">
<li><span class="box">☐</span>${m('notice.decision.accept')}</li>
<li><span class="box">☐</span>${m('notice.decision.decline')}</li>
<li><span class="box">☐</span>${m('notice.decision.undecided')}</li>
</ul>
</section>
<section class="signatures">
<div class="sign-row"><span class="field">${m('notice.sign.woman')}${colon(lang)}<span class="line"></span></span><span class="field">${m('notice.sign.relationship')}${colon(lang)}<span class="line short"></span></span><span class="field">${m('notice.sign.date')}${colon(lang)}<span class="line short"></span></span></div>
<div class="sign-row"><span class="field">${m('notice.sign.physician')}${colon(lang)}<span class="line"></span></span><span class="field">${m('notice.sign.date')}${colon(lang)}<span class="line short"></span></span></div>
</section>
<footer>
<p>${m('notice.legalNote', { citation: t.legalBasis })}</p>
<p>${m('notice.issued')}${colon(lang)}${h(c.issuedOn)}</p>
<p>${m('notice.footer', { id: notice.id, hash: notice.hash })}</p>
</footer>
</main>
</body>
</html>
`;
}

function colon(lang: Locale): string {
  return lang === 'en' ? ': ' : '：';
}

function factsTable(c: NoticeContent, lang: Locale): string {
  const unknown = message(lang, 'notice.unknown');
  const row = (a: string, av: string, b: string, bv: string): string =>
    `<tr><th>${h(a)}</th><td>${h(av)}</td><th>${h(b)}</th><td>${h(bv)}</td></tr>`;
  return `<table class="facts">
${row(message(lang, 'notice.woman'), c.woman.name ? own(c.woman.name) : unknown, message(lang, 'notice.age'), ageText(c.woman.ageYears, lang))}
${row(message(lang, 'notice.ga'), c.pregnancy.ga ?? unknown, message(lang, 'notice.ageAtEdd'), ageText(c.woman.ageAtEddYears, lang))}
${row(message(lang, 'notice.edd'), c.pregnancy.edd ?? unknown, message(lang, 'notice.issued'), c.issuedOn)}
</table>`;
}
