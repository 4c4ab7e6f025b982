import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { StoredNotice } from '../../../src/engine/stored-notice.js';
import { packageRoot } from '../../../src/package-root.js';
import { renderNoticeHtml } from '../../../src/referral/notice/page.js';
import type { Locale } from '../../../src/render/messages.js';
import { chromiumMissingReason } from './chromium.js';

/** Printing a stored notice in Chromium and reading the PDF back (test/browser/notice-print*.test.ts). */
export const OUT = join(packageRoot(), 'test-results');
export const PDFTOTEXT = '/usr/bin/pdftotext';
export const printMissingReason =
  chromiumMissingReason ?? (existsSync(PDFTOTEXT) ? undefined : 'pdftotext not found (apt-get install -y poppler-utils)');

/** The text of each PDF page (pdftotext -layout, form feeds between pages), bidi isolates removed. */
export function pdfPages(file: string): string[] {
  const text = execFileSync(PDFTOTEXT, ['-layout', file, '-'], { encoding: 'utf8' });
  return text
    .split('\f')
    .filter((p) => p.trim() !== '')
    .map((p) => p.replace(/[\u2066-\u2069]/g, ''));
}

export const squash = (s: string): string => s.replace(/\s+/g, '');

/** Elements of either copy that run past the printable width (A4 minus the margins), as "TAG.class: text". */
export async function overflowingElements(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const main of document.querySelectorAll('main.notice')) {
      const right = main.getBoundingClientRect().right + 1;
      for (const el of main.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > right) out.push(el.tagName + '.' + el.className + ': ' + (el.textContent || '').slice(0, 40));
      }
    }
    return out;
  })()`)) as string[];
}

/**
 * Prints `notice` in `lang` to `test-results/<name>-<lang>.pdf` (A4, print media), with the HTML, a
 * full-page PNG and PNG pages (pdftoppm, when present) beside it; returns the overflowing elements
 * and the PDF's page texts.
 */
export async function printNotice(
  page: Page,
  notice: StoredNotice,
  name: string,
  lang: Locale,
): Promise<{ overflow: string[]; pages: string[] }> {
  const html = renderNoticeHtml(notice, lang);
  writeFileSync(join(OUT, `${name}-${lang}.html`), html);
  await page.setContent(html, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const overflow = await overflowingElements(page);
  await page.screenshot({ path: join(OUT, `${name}-${lang}.png`), fullPage: true });
  const file = join(OUT, `${name}-${lang}.pdf`);
  await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  try {
    execFileSync('pdftoppm', ['-png', '-r', '60', file, join(OUT, `${name}-${lang}-page`)]);
  } catch {
    // The PNG pages are for people; the PDF text is what the tests check.
  }
  return { overflow, pages: pdfPages(file) };
}

/** What every printed page and every copy of a notice must show (the per-language expectations of a print test). */
export interface PrintedNoticeExpectations {
  /** The running footer's texts, on every page. */
  readonly running: readonly string[];
  readonly pageOf: (page: number, pages: number) => string;
  /** The copy labels: the institution's copy, then the woman's. */
  readonly copies: readonly string[];
  /** Every field, in each copy. */
  readonly fields: readonly string[];
  /** The Date field's text. */
  readonly dates: string;
}

/**
 * Two copies of the same number of pages; on every page the running footer, its "page x of y" and
 * its copy label; in each copy every field, `dateFields(count)` Date fields, whole, and the hash line.
 */
export function expectTwoPrintedCopies(
  pages: readonly string[],
  t: PrintedNoticeExpectations,
  hash: string,
  dateFields: (count: number) => void,
): void {
  expect(pages.length, 'two copies of at least one page each').toBeGreaterThanOrEqual(2);
  expect(pages.length % 2, 'both copies have the same number of pages').toBe(0);
  const half = pages.length / 2;
  pages.forEach((p, i) => {
    const flat = squash(p);
    for (const r of t.running) expect(flat, `page ${i + 1}: ${r}`).toContain(squash(r));
    expect(flat, `page ${i + 1}`).toContain(t.pageOf(i + 1, pages.length));
    expect(flat, `page ${i + 1}`).toContain(squash(t.copies[i < half ? 0 : 1]!));
  });
  for (const copy of [pages.slice(0, half), pages.slice(half)]) {
    const flat = squash(copy.join('\n'));
    for (const f of t.fields) expect(flat, f).toContain(squash(f));
    dateFields(flat.split(squash(t.dates)).length - 1);
    // The last line of the copy — the hash — is on the page, whole.
    expect(flat).toContain(hash);
  }
}
