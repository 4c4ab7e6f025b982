import { escapeHtml } from '../../render/escape.js';
import type { Locale } from '../../render/messages.js';

/**
 * A short plain page a notice link opens instead of the notice (expired link, earlier format):
 * a title and paragraphs, escaped; no scripts, nothing of the woman (docs/design.md#notice-links).
 */
export function renderNoticeInfoPage(lang: Locale, title: string, paragraphs: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.6}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</body>
</html>
`;
}
