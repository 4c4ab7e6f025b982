import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { chromiumMissingReason, launchChromium, type LaunchedBrowser } from './support/chromium.js';
import { FOLLOW_UP, seedFollowUpScenario } from './support/follow-up-scenario.js';
import { startQcApp, type RunningQcApp } from './support/qc-app.js';

/**
 * The QC dashboard's follow-up and data-quality views (docs/design.md#qc) in a real Chromium against
 * the real app: a PGlite store seeded with a known funnel, the real `GET /qc/follow-up` and
 * `GET /qc/data-quality`, navigation by tabs and by the URL hash, 中文/English, CSV downloads.
 */
/** A province token allowed to see record numbers: the lists carry the patients' own ids. */
const TOKEN = 'qc-province-token-funnel-0123456789';
const RED = 'rgb(180, 35, 24)';

const asset = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(join(packageRoot(), 'src/qc-dashboard/assets', name)).href)) as T;

describe('view helpers (no browser)', () => {
  it('reads a view and its query from the hash, leaving out what is unknown or malformed', async () => {
    const { readHash, hashOf } = await asset<{
      readHash: (h: string) => Record<string, string>;
      hashOf: (s: Record<string, string>) => string;
    }>('views.js');
    const state = { view: 'follow-up', from: '2026-09-01', to: '2026-11-23', groupBy: 'month', focus: 'org-b' };
    expect(readHash(hashOf(state))).toEqual(state);
    expect(readHash('#view=nope&from=2026-9-1&groupBy=month')).toEqual({ view: 'compliance' });
    expect(readHash('#view=data-quality&groupBy=month&focus=org-a')).toEqual({ view: 'data-quality' });
    expect(readHash('')).toEqual({ view: 'compliance' });
    expect(hashOf({ view: 'compliance', from: '2026-09-01', groupBy: 'rule' })).toBe('#view=compliance&from=2026-09-01');
  });

  it('orders the undiagnosed most overdue first, then fewest days left; percentages of indicated', async () => {
    const { sortByUrgency, percentOf, daysBetween } = await asset<{
      sortByUrgency: (l: object[]) => { pregnancy: string }[];
      percentOf: (n: number, of: number) => string;
      daysBetween: (a: string, b: string) => number | undefined;
    }>('funnel.js');
    const u = (pregnancy: string, overdueDays: number, diagnosisDueBy: string) => ({ pregnancy, overdueDays, diagnosisDueBy });
    const sorted = sortByUrgency([
      u('c', -5, '2026-11-28'),
      u('a', 25, '2026-10-29'),
      u('d', -25, '2026-12-18'),
      u('b', 8, '2026-11-15'),
      u('b0', 8, '2026-11-15'),
    ]);
    expect(sorted.map((x) => x.pregnancy)).toEqual(['a', 'b', 'b0', 'c', 'd']);
    expect([percentOf(1, 3), percentOf(4, 5), percentOf(0, 0)]).toEqual(['33.3%', '80%', '—']);
    expect([daysBetween('2026-11-15', '2026-11-23'), daysBetween('2026-02-28', '2026-03-01'), daysBetween('x', '2026-03-01')]).toEqual([
      8,
      1,
      undefined,
    ]);
  });
});

/** The NIPT lists' columns in each language (i18n.js). */
const NIPT_HEAD_ZH = ['截止日期', '机构', '孕妇', '妊娠', 'NIPT 日期', '预产期'];
const NIPT_HEAD_EN = ['Due by', 'Institution', 'Patient', 'Pregnancy', 'NIPT on', 'EDD'];

if (chromiumMissingReason && !process.env.CI) console.warn(`[qc-dashboard-funnel browser test] skipped: ${chromiumMissingReason}`);

describe.skipIf(Boolean(chromiumMissingReason))('QC dashboard follow-up and data-quality views in Chromium', () => {
  let app: RunningQcApp;
  let browser: LaunchedBrowser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    app = await startQcApp({
      now: '2026-11-23T02:00:00Z',
      qcTokens: { [TOKEN]: { role: 'province', seesMrn: true } },
      seed: seedFollowUpScenario,
    });
    browser = await launchChromium({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const hash = () => page.evaluate<string>('window.location.hash');
  const current = () => page.locator('nav.tabs a[aria-current="page"]').getAttribute('data-view-tab');
  const stage = (name: string) => page.locator(`#fu-funnel li[data-stage="${name}"]`);
  const cell = (table: string, key: string, col: string) => page.locator(`#${table} tr[data-key="${key}"] td[data-${col}]`);

  async function loadWith(token: string): Promise<void> {
    await page.fill('#token', token);
    await page.click('#load');
  }

  it('opens the view the hash names, with its period, and loads it with the token', async () => {
    await page.goto(`${app.base}/qc/#view=data-quality&from=${FOLLOW_UP.from}&to=${FOLLOW_UP.to}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await current()).toBe('data-quality');
    expect(await page.inputValue('#from')).toBe(FOLLOW_UP.from);
    expect(await page.inputValue('#to')).toBe(FOLLOW_UP.to);
    expect(await page.locator('#results').isVisible()).toBe(false);
    await loadWith(TOKEN);
    await page.waitForSelector('[data-view-panel="data-quality"] .view-results:not([hidden])');
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('counts undecided outcomes and rule errors per institution and per rule, with the list', async () => {
    for (const [key, counts] of Object.entries(FOLLOW_UP.dataQuality)) {
      expect(await cell('dq-table', key, 'count="undecided"').textContent()).toBe(String(counts.undecided));
      expect(await cell('dq-table', key, 'count="ruleErrors"').textContent()).toBe(String(counts.ruleErrors));
      expect(await cell('dq-table', key, 'count="calls"').textContent()).toBe(String(counts.calls));
    }
    expect(await page.locator('#dq-table tr.total td').allTextContents()).toEqual(['2', '1', '3']);
    expect(await page.locator('#dq-items-rows tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual([
      'undecided',
      'undecided',
      'rule-error',
    ]);
    expect(await page.locator('#dq-items-rows tr').last().locator('td').nth(4).textContent()).toBe('rule-error: TypeError');
    expect(await page.locator('#dq-items-count').textContent()).toBe('共 3 条');

    await page.selectOption('#dq-group-by', 'rule');
    await expect.poll(() => page.locator('#dq-table tr[data-key] th').first().textContent()).toBe('高龄孕妇 ama');
    expect(await cell('dq-table', 'ama', 'count="undecided"').textContent()).toBe('2');
    expect(await cell('dq-table', 'fetal-anomaly', 'count="ruleErrors"').textContent()).toBe('1');
    expect(await hash()).toContain('groupBy=rule');
  });

  it('moves between views with the keyboard; the hash follows', async () => {
    await page.focus('nav.tabs a[data-view-tab="follow-up"]');
    await page.keyboard.press('Enter');
    await expect.poll(current).toBe('follow-up');
    await page.waitForSelector('[data-view-panel="follow-up"] .view-results:not([hidden])');
    expect(await hash()).toBe(`#view=follow-up&from=${FOLLOW_UP.from}&to=${FOLLOW_UP.to}&groupBy=institution`);
    expect(await page.locator('[data-view-panel="data-quality"]').isHidden()).toBe(true);
  });

  it('draws the funnel of the period: counts and % of indicated per stage', async () => {
    const t = FOLLOW_UP.total;
    const counts = await page.locator('#fu-funnel .funnel-count').allTextContents();
    expect(counts).toEqual([t.indicated, t.notified, t.signed, t.referred, t.procedure, t.result, t.outcome].map(String));
    expect(await stage('notified').locator('.funnel-pct').textContent()).toBe('80%');
    expect(await stage('outcome').locator('.funnel-pct').textContent()).toBe('20%');
    expect(await stage('signed').locator('.funnel-split').textContent()).toBe('接受 2 · 拒绝 1 · 暂缓 1');
    const width = (s: string) =>
      stage(s)
        .locator('.funnel-fill')
        .evaluate((e) => e.getAttribute('style'));
    expect(await width('indicated')).toBe('width: 100%;');
    expect(await width('referred')).toBe('width: 40%;');
    for (const [key, row] of Object.entries(FOLLOW_UP.byInstitution)) {
      for (const [s, n] of Object.entries(row))
        expect(await cell('fu-table', key, `stage="${s}"`).locator('.n').textContent()).toBe(String(n));
    }
    await page.selectOption('#fu-focus', 'org-b');
    await expect.poll(() => stage('outcome').locator('.funnel-pct').textContent()).toBe('33.3%');
    expect(await hash()).toContain('focus=org-b');
  });

  it('lists the indicated-not-diagnosed pregnancies most urgent first, overdue in red', async () => {
    const rows = page.locator('#fu-undiagnosed-rows tr');
    expect(await rows.locator('td:nth-child(4)').evaluateAll((tds) => tds.map((td) => td.firstChild?.textContent))).toEqual(
      FOLLOW_UP.undiagnosed.map((u) => u.patient),
    );
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(FOLLOW_UP.undiagnosed.map((u) => u.due));
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(FOLLOW_UP.undiagnosed.map((u) => u.urgency));
    expect(
      await rows.locator('.overdue').evaluateAll((els) => els.map((e) => e.ownerDocument.defaultView?.getComputedStyle(e).color)),
    ).toEqual([RED, RED]);
    expect(await rows.nth(1).locator('td').nth(5).textContent()).toBe('NIPT 高风险');
    expect(await page.locator('#fu-nipt-high-risk-undiagnosed-rows tr').count()).toBe(1);
    // Both NIPT lists under the one header (funnel.js NIPT_COLUMNS), also the empty one.
    for (const kind of ['high-risk-undiagnosed', 'no-outcome'])
      expect(await page.locator(`table:has(#fu-nipt-${kind}-rows) thead th[scope="col"]`).allTextContents()).toEqual(NIPT_HEAD_ZH);
  });

  it('downloads each section as CSV with the token', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#fu-undiagnosed-title ~ button[data-csv="undiagnosed"]'),
    ]);
    expect(download.suggestedFilename()).toBe(`qc-follow-up_undiagnosed_${FOLLOW_UP.from}_${FOLLOW_UP.to}.csv`);
    const lines = readFileSync(await download.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines).toHaveLength(1 + FOLLOW_UP.undiagnosed.length);
    expect(lines.slice(1).map((l) => FOLLOW_UP.undiagnosed.findIndex((u) => l.includes(u.patient)))).toEqual([0, 1, 2, 3]);
  });

  it('lists an NIPT without outcome follow-up (Art. 29) once the period holds the test', async () => {
    expect(await page.locator('#fu-nipt-no-outcome-rows tr').count()).toBe(0);
    const { from, noOutcome } = FOLLOW_UP.niptPeriod;
    await page.fill('#from', from);
    await page.click('#load');
    await expect.poll(() => page.locator('#fu-nipt-no-outcome-rows tr').count()).toBe(1);
    const cells = page.locator('#fu-nipt-no-outcome-rows tr td');
    expect(await cells.nth(0).textContent()).toBe(`${noOutcome.dueBy} ${noOutcome.late}`);
    expect(await cells.nth(2).textContent()).toBe(noOutcome.patient);
    expect(await cells.nth(4).textContent()).toBe(noOutcome.niptOn);
    expect(await hash()).toContain(`from=${from}`);
    await page.fill('#from', FOLLOW_UP.from);
    await page.click('#load');
    await expect.poll(() => page.locator('#fu-nipt-no-outcome-rows tr').count()).toBe(0);
  });

  it('switches to English and back; groups by month', async () => {
    await page.click('#lang-toggle');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('nav.tabs a[data-view-tab="follow-up"]').textContent()).toBe('Follow-up');
    expect(await page.locator('#fu-undiagnosed-title').textContent()).toBe('Indicated, not diagnosed');
    expect(await stage('procedure').locator('.funnel-label').textContent()).toBe('Prenatal diagnosis done');
    expect(await page.locator('#fu-undiagnosed-rows tr td:first-child').first().textContent()).toBe('25 days overdue');
    expect(await page.locator('#fu-undiagnosed-rows tr td:first-child').last().textContent()).toBe('25 days left');
    for (const kind of ['high-risk-undiagnosed', 'no-outcome'])
      expect(await page.locator(`table:has(#fu-nipt-${kind}-rows) thead th`).allTextContents()).toEqual(NIPT_HEAD_EN);
    await page.selectOption('#fu-group-by', 'month');
    await expect.poll(() => page.locator('#fu-table tr[data-key] th').allTextContents()).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(await page.locator('#fu-table thead th').first().textContent()).toBe('Month');
    await page.click('#lang-toggle');
    expect(await page.locator('#fu-table thead th').first().textContent()).toBe('月份');
    mkdirSync(join(packageRoot(), 'test-results'), { recursive: true });
    await page.screenshot({ path: join(packageRoot(), 'test-results', 'qc-dashboard-follow-up.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('a list cut by the page limit (limit in the hash) says how many it shows of how many', async () => {
    await page.goto(`${app.base}/qc/#view=follow-up&from=${FOLLOW_UP.from}&to=${FOLLOW_UP.to}&limit=2`);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await loadWith(TOKEN);
    await page.waitForFunction("document.querySelectorAll('#fu-undiagnosed-rows tr').length === 2");
    const shown = FOLLOW_UP.undiagnosed.slice(0, 2);
    expect(
      await page.locator('#fu-undiagnosed-rows tr td:nth-child(4)').evaluateAll((tds) => tds.map((td) => td.firstChild?.textContent)),
    ).toEqual(shown.map((u) => u.patient));
    expect(await page.textContent('#fu-undiagnosed-count')).toBe(`共 2 例 (仅显示 2 条，共 ${FOLLOW_UP.undiagnosed.length} 条)`);
    // The funnel still counts every pregnancy; the uncut NIPT lists say nothing more.
    expect(await stage('indicated').locator('.funnel-count').textContent()).toBe(String(FOLLOW_UP.total.indicated));
    expect(await page.textContent('#fu-nipt-no-outcome-count')).not.toContain('仅显示');
    expect(await hash()).toContain('limit=2');
  });
});
