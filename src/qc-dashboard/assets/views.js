/* global document, URLSearchParams */
import { fetchDataQuality, fetchFollowUp } from './api.js';
import { renderDataQualityView } from './data-quality.js';
import { renderFollowUpView } from './funnel.js';

/**
 * The dashboard's three views (docs/design.md#qc-dashboard-views) — notification compliance, follow-up, data
 * quality — and the URL hash that names the view and its query, so a view can be linked:
 * `#view=follow-up&from=2026-09-01&to=2026-11-23&groupBy=month&focus=org-a`. Never the token.
 */
export const VIEWS = ['compliance', 'follow-up', 'data-quality'];

/** Groupings each report accepts; the first is the default. */
const GROUP_BYS = { 'follow-up': ['institution', 'month'], 'data-quality': ['institution', 'rule'] };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The view state named by a hash; anything unknown or malformed is left out. */
export function readHash(hash) {
  const p = new URLSearchParams(String(hash).replace(/^#/, ''));
  const view = VIEWS.includes(p.get('view')) ? p.get('view') : 'compliance';
  const out = { view };
  for (const k of ['from', 'to']) if (DAY.test(p.get(k) ?? '')) out[k] = p.get(k);
  const groupBy = p.get('groupBy');
  if (GROUP_BYS[view]?.includes(groupBy)) out.groupBy = groupBy;
  const focus = p.get('focus');
  if (view === 'follow-up' && focus && focus.length <= 64) out.focus = focus;
  // A smaller page of the lists (1..1000), for a quick look or a test; the counts stay whole.
  const limit = Number(p.get('limit'));
  if (view !== 'compliance' && /^\d+$/.test(p.get('limit') ?? '') && limit >= 1 && limit <= 1000) out.limit = limit;
  return out;
}

/** The hash of a view state (only the members that apply to the view). */
export function hashOf({ view, from, to, groupBy, focus, limit }) {
  const p = new URLSearchParams({ view });
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  if (GROUP_BYS[view] && groupBy) p.set('groupBy', groupBy);
  if (view === 'follow-up' && focus) p.set('focus', focus);
  if (view !== 'compliance' && limit) p.set('limit', String(limit));
  return `#${p.toString()}`;
}

export const groupByOf = (view, value) => (GROUP_BYS[view]?.includes(value) ? value : GROUP_BYS[view]?.[0]);

/** Shows one view's panel, marks its tab (aria-current) and points every tab at its own hash. */
export function showView(view, period) {
  for (const tab of document.querySelectorAll('[data-view-tab]')) {
    const v = tab.dataset.viewTab;
    tab.href = hashOf({ view: v, ...period });
    if (v === view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  // The compliance panel keeps its own `hidden` (shown once loaded); CSS hides it by body[data-view].
  document.body.dataset.view = view;
  for (const panel of document.querySelectorAll('div[data-view-panel]')) panel.hidden = panel.dataset.viewPanel !== view;
}

/** Reads the follow-up or data-quality report of a query. */
export function fetchView(view, token, { from, to, groupBy, limit }) {
  const params = { from, to, groupBy: groupByOf(view, groupBy), ...(limit ? { limit } : {}) };
  return view === 'follow-up' ? fetchFollowUp(token, params) : fetchDataQuality(token, params);
}

/** Renders a loaded follow-up or data-quality report into its panel. */
export function renderView(view, loaded, t, ruleLabel) {
  const panel = document.querySelector(`[data-view-panel="${view}"]`);
  panel.querySelector('.view-results').hidden = !loaded;
  if (!loaded) return;
  panel.querySelector('.period').textContent = t('period', { from: loaded.report.from, to: loaded.report.to });
  if (view === 'follow-up') renderFollowUpView(loaded.report, loaded.focus ?? '', t, ruleLabel);
  else renderDataQualityView(loaded.report, t, ruleLabel);
}

/** The CSV a download button asks for: its report path, query and file name. */
export function csvRequest(view, section, { from, to, groupBy }) {
  const path = view === 'follow-up' ? 'follow-up' : 'data-quality';
  return {
    path,
    params: { from, to, groupBy: groupByOf(view, groupBy), section },
    name: `qc-${path}_${section}_${from}_${to}.csv`,
  };
}
