import { alwaysIsolate as own, isolatedHtml as h } from '../../render/isolate.js';
import type { Locale } from '../../render/messages.js';
import { art27Message } from './art27-messages.js';
import { noticeMessage } from './messages.js';
import { art27TextsSchema, type Art27Texts } from './art27-schema.js';
import { NOTICE_CSS } from './style.js';
import { ageText } from './text.js';
import { dateInWords, type Art27NoticeContent } from './art27-content.js';

/**
 * The printed Art. 27 notice (ZJ-2023 Art.27): the body the notice page draws for template `art27`
 * (`renderArt27Body`), and a complete page of its own (`renderArt27NoticeHtml`). Everything shown
 * comes from the stored content (the woman's register of `lang`), HTML-escaped, record-derived parts
 * as `<bdi>`; only the frame (title, facts labels, the box glyph) is read from the catalogue at print
 * time. Signature blocks wrap rather than clip, so every field stays on an A4 page in both languages.
 */

/** Print styles of the Art. 27 body, added to NOTICE_CSS. */
export const ART27_CSS = `
.art27 .sign-block { margin: 6mm 0 0; break-inside: avoid; }
.art27 .sign-block .sign-row { flex-wrap: wrap; row-gap: 3mm; margin-top: 2mm; }
.art27 .sign-block .field { flex: 0 1 auto; white-space: normal; }
.art27 .sign-block .note { font-size: 9.5pt; margin: 1mm 0 0; }
.art27 .sign-block .line { min-width: 50mm; }
.art27 .sign-block .line.short { min-width: 32mm; }
.art27 .advice-lines { margin: 1mm 0 2mm; }
.art27 .advice-lines .line { display: block; min-width: 0; width: 100%; height: 7mm; }
`;

function colon(lang: Locale): string {
  return lang === 'en' ? ': ' : '：';
}

/**
 * The body of the Art. 27 notice (HTML, escaped): sections, choice boxes, signature blocks and the
 * legal basis written out (法律依据：《…》第二十七条), so every page that draws the body names the article.
 */
export function renderArt27Body(t: Art27Texts, lang: Locale): string {
  const sections = t.sections
    .map(
      (s) => `<section class="art27-${s.key}">
<h2>${h(s.heading)}</h2>
${s.paragraphs.map((p) => `<p>${h(p)}</p>`).join('\n')}${s.key === 'management' ? '\n<div class="advice-lines"><span class="line"></span><span class="line"></span></div>' : ''}
</section>`,
    )
    .join('\n');
  const choice = (text: string, key: string) => `<li data-choice="${key}"><span class="box">☐</span>${h(text)}</li>`;
  const signatures = t.signatures
    .map(
      (s) => `<div class="sign-block" data-role="${s.role}">
<div class="sign-row"><span class="field">${h(s.label)}${colon(lang)}<span class="line"></span></span>${s.fields
        .map((f) => `<span class="field">${h(f)}${colon(lang)}<span class="line short"></span></span>`)
        .join('')}</div>
${s.note ? `<p class="note">${h(s.note)}</p>` : ''}
</div>`,
    )
    .join('\n');
  return `<div class="art27">
${sections}
<section class="decision">
<p>${h(t.decision.statement)}</p>
<ul class="choices">
${choice(t.decision.choices.continue, 'continue')}
${choice(t.decision.choices.terminate, 'terminate')}
${choice(t.decision.choices.undecided, 'undecided')}
</ul>
</section>
<section class="signatures">
${signatures}
</section>
<p class="legal">${h(noticeMessage(lang, 'page.legalNote', { basis: t.legalBasis }))}</p>
</div>`;
}

/**
 * A complete printable page of a stored Art. 27 notice (no scripts, no external resources). Throws
 * when the stored texts are not an Art. 27 notice's (a bug or a corrupt store).
 */
export function renderArt27NoticeHtml(
  notice: { readonly id: string; readonly hash: string; readonly content: unknown },
  lang: Locale,
): string {
  const c = notice.content as Art27NoticeContent;
  if (c?.template !== 'art27') throw new Error('renderArt27NoticeHtml: not an art27 notice');
  const t = art27TextsSchema.parse(c.texts[lang]);
  const m = (key: Parameters<typeof art27Message>[1], values?: Parameters<typeof art27Message>[2]) => h(art27Message(lang, key, values));
  const unknown = lang === 'en' ? 'not known' : '不详';
  const row = (a: string, av: string, b: string, bv: string) => `<tr><th>${h(a)}</th><td>${av}</td><th>${h(b)}</th><td>${bv}</td></tr>`;
  const labels =
    lang === 'en'
      ? { woman: 'Name', age: 'Age', record: 'Record number', ga: 'Weeks pregnant', edd: 'Due date', issued: 'Date of notice' }
      : { woman: '孕妇姓名', age: '年龄', record: '病案号', ga: '孕周', edd: '预产期', issued: '告知日期' };
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m('notice.art27.title')}</title>
<style>${NOTICE_CSS}${ART27_CSS}</style>
</head>
<body>
<main class="notice">
<header>
<h1>${m('notice.art27.title')}</h1>
${c.institution ? `<p class="institution">${h(own(c.institution.name))}</p>` : ''}
</header>
<table class="facts">
${row(labels.woman, c.woman.name ? h(own(c.woman.name)) : h(unknown), labels.age, h(ageText(c.woman.ageYears, lang)))}
${row(labels.record, c.recordNumber ? h(own(c.recordNumber)) : h(unknown), labels.ga, h(c.pregnancy.ga ?? unknown))}
${row(labels.edd, h(c.pregnancy.edd ? dateInWords(c.pregnancy.edd, lang) : unknown), labels.issued, h(dateInWords(c.issuedOn, lang)))}
</table>
${c.woman.name ? `<p class="greeting">${m('notice.art27.greeting', { name: own(c.woman.name) })}</p>` : ''}
${renderArt27Body(t, lang)}
<footer>
<p>${h(notice.id)} · SHA-256 ${h(notice.hash)}</p>
</footer>
</main>
</body>
</html>
`;
}
