/* global document, window, sessionStorage, URL, history */
import { fetchCompliance, fetchCsv, fetchReportCsv, fetchReportWithAllCases, QcError } from './api.js';
import { filterCases, pageOf, renderCaseRows, sortCases } from './cases.js';
import { renderBarChart } from './chart.js';
import { MESSAGES, format } from './i18n.js';
import { renderHeadline } from './headline.js';
import { csvRequest, fetchView, groupByOf, hashOf, readHash, renderView, showView } from './views.js';

/**
 * The QC dashboard (docs/design.md#qc): notification compliance by institution and month, the
 * missing/late case list, CSV download. The QC token lives in sessionStorage only and travels as
 * `Authorization: Bearer`. zh-CN by default, English on request.
 */
const TOKEN_KEY = 'prenatal-cds.qc-token';
const LANG_KEY = 'prenatal-cds.qc-lang';
const $ = (id) => document.getElementById(id);

const state = {
  lang: sessionStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN',
  report: undefined, // { from, to, byInstitution, byMonth }
  error: undefined, // { key, params }
  notice: undefined, // { key, params }
  sortDir: 'asc',
  page: 1,
  view: 'compliance', // docs/design.md#qc: compliance | follow-up | data-quality (the URL hash)
  groupBy: {}, // per view
  focus: '', // the follow-up funnel's group ('' = total)
  loaded: {}, // per other view: { from, to, groupBy, focus, report }
};

const t = (key, params) => format(MESSAGES[state.lang][key] ?? MESSAGES['zh-CN'][key] ?? key, params);
const ruleLabel = (id) => (MESSAGES[state.lang][`rule.${id}`] ? t(`rule.${id}`) : String(id));

const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Default period: the last three months, ending today (browser's calendar). */
function defaultPeriod() {
  const today = new Date();
  return { from: ymd(new Date(today.getFullYear(), today.getMonth() - 3, today.getDate())), to: ymd(today) };
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.title = t('title');
  $('lang-toggle').setAttribute('lang', state.lang === 'en' ? 'zh-CN' : 'en');
  renderMessages();
  if (state.report) renderReport();
  for (const v of ['follow-up', 'data-quality']) renderView(v, state.loaded[v], t, ruleLabel);
}

function renderMessages() {
  const err = $('error');
  err.hidden = !state.error;
  err.textContent = state.error ? t(state.error.key, state.error.params) : '';
  $('status').textContent = state.notice ? t(state.notice.key, state.notice.params) : '';
}

function errorMessage(e) {
  if (!(e instanceof QcError)) return { key: 'errNetwork' };
  if (e.kind === 'network') return { key: 'errNetwork' };
  if (e.kind === 'format') return { key: 'errFormat' };
  if (e.status === 401) return { key: 'err401' };
  if (e.status === 403) return { key: 'err403' };
  if (e.status === 400) return { key: 'err400', params: { detail: e.detail || '' } };
  return { key: 'errServer', params: { status: e.status } };
}

function fillSelect(select, firstLabel, values, labelOf) {
  const keep = select.value;
  const all = document.createElement('option');
  all.value = '';
  all.textContent = firstLabel;
  select.replaceChildren(
    all,
    ...values.map((v) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = labelOf(v);
      return o;
    }),
  );
  select.value = values.includes(keep) ? keep : '';
}

function renderCases() {
  const cases = state.report.byInstitution.cases;
  const filtered = filterCases(cases, {
    status: $('filter-status').value,
    institution: $('filter-institution').value,
    rule: $('filter-rule').value,
  });
  const { items, page, pages } = pageOf(sortCases(filtered, state.sortDir), state.page);
  state.page = page;
  renderCaseRows($('case-rows'), items, t, ruleLabel);
  $('case-count').textContent = filtered.length ? t('caseCount', { n: filtered.length }) : t('noCases');
  $('page-info').textContent = t('pageInfo', { page, pages });
  $('page-prev').disabled = page <= 1;
  $('page-next').disabled = page >= pages;
  const th = $('sort-date').closest('th');
  th.setAttribute('aria-sort', state.sortDir === 'asc' ? 'ascending' : 'descending');
  $('sort-date').title = t(state.sortDir === 'asc' ? 'sortAsc' : 'sortDesc');
  $('sort-arrow').textContent = state.sortDir === 'asc' ? '▲' : '▼';
}

function renderReport() {
  const { byInstitution, byMonth, from, to } = state.report;
  $('results').hidden = false;
  $('period-line').textContent = t('period', { from, to });
  renderHeadline($('headline'), byInstitution.total, byInstitution.cases, t);
  const series = [
    { field: 'rate', num: 'notified', den: 'due', label: t('rate'), cls: 'series-rate' },
    { field: 'inTimeRate', num: 'notifiedInTime', den: 'due', label: t('inTimeRate'), cls: 'series-intime' },
  ];
  const rowsBy = (r) => [...r.rows].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  renderBarChart($('chart-institution'), rowsBy(byInstitution), { t, series, titleId: 'chart-institution-title', labelOf: String });
  renderBarChart($('chart-month'), rowsBy(byMonth), { t, series, titleId: 'chart-month-title', labelOf: String });
  const institutions = [...new Set([...byInstitution.rows.map((r) => r.key), ...byInstitution.cases.map((c) => c.institution)])]
    .filter((v) => typeof v === 'string' && v)
    .sort();
  const rules = [...new Set(byInstitution.cases.flatMap((c) => (Array.isArray(c.rules) ? c.rules : [])))].sort();
  fillSelect($('filter-institution'), t('allInstitutions'), institutions, String);
  fillSelect($('filter-rule'), t('allRules'), rules, ruleLabel);
  renderCases();
}

async function load(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  const from = $('from').value;
  const to = $('to').value;
  state.notice = undefined;
  if (!token) state.error = { key: 'errTokenMissing' };
  else if (!from || !to || from > to) state.error = { key: 'errPeriod' };
  else state.error = undefined;
  if (state.error) return renderMessages();
  sessionStorage.setItem(TOKEN_KEY, token);
  state.notice = { key: 'loading' };
  renderMessages();
  $('load').disabled = true;
  syncHash();
  if (state.view !== 'compliance') return loadView(token, from, to);
  try {
    const [byInstitution, byMonth] = await Promise.all([
      fetchReportWithAllCases(token, { from, to, groupBy: 'institution' }),
      fetchCompliance(token, { from, to, groupBy: 'month', limit: 0 }),
    ]);
    state.report = { from, to, byInstitution, byMonth };
    state.page = 1;
    state.notice = { key: 'loaded' };
    renderReport();
  } catch (e) {
    state.report = undefined;
    $('results').hidden = true;
    state.notice = undefined;
    state.error = errorMessage(e);
  } finally {
    $('load').disabled = false;
    renderMessages();
  }
}

/** What the CSV holds: the case list (with the status/institution filters the server knows) or rows of a grouping. */
function csvParams(from, to) {
  const what = $('csv-content').value;
  if (what !== 'cases') return { params: { from, to, groupBy: what, section: 'rows' }, name: what };
  const params = { from, to, section: 'cases' };
  const status = $('filter-status').value;
  if (status !== 'all' && status !== 'problem') params.status = status;
  if ($('filter-institution').value) params.institution = $('filter-institution').value;
  return { params, name: 'cases' };
}

/** The hash names the view and its query (never the token), so a view can be linked. */
function syncHash() {
  const period = { from: $('from').value, to: $('to').value };
  const groupBy = groupByOf(state.view, state.groupBy[state.view]);
  history.replaceState(null, '', hashOf({ view: state.view, ...period, groupBy, focus: state.focus, limit: state.limit }));
  showView(state.view, period);
}

/** Loads the follow-up or data-quality report of the form's period into its view. */
async function loadView(token, from, to) {
  const view = state.view;
  const groupBy = groupByOf(view, state.groupBy[view]);
  try {
    const report = await fetchView(view, token, { from, to, groupBy, limit: state.limit });
    state.loaded[view] = { from, to, groupBy, focus: state.focus, report };
    state.notice = { key: 'loaded' };
    state.error = undefined;
  } catch (e) {
    state.loaded[view] = undefined;
    state.notice = undefined;
    state.error = errorMessage(e);
  } finally {
    $('load').disabled = false;
    renderView(view, state.loaded[view], t, ruleLabel);
    renderMessages();
  }
}

/** Switches to a view (tab, hash); loads it when a period was already queried and it has not that one. */
function selectView(next) {
  state.view = next.view;
  if (next.from) $('from').value = next.from;
  if (next.to) $('to').value = next.to;
  if (next.groupBy) state.groupBy[next.view] = next.groupBy;
  state.focus = next.focus ?? '';
  state.limit = next.limit;
  const select = $(next.view === 'follow-up' ? 'fu-group-by' : 'dq-group-by');
  if (next.view !== 'compliance') select.value = groupByOf(next.view, state.groupBy[next.view]);
  syncHash();
  const have = state.loaded[next.view];
  const token = $('token').value.trim();
  const same =
    have && have.from === $('from').value && have.to === $('to').value && have.groupBy === groupByOf(next.view, state.groupBy[next.view]);
  if (same) have.focus = state.focus;
  if (next.view !== 'compliance' && token && !same && (state.report || Object.values(state.loaded).some(Boolean)))
    $('query-form').requestSubmit();
  else if (next.view !== 'compliance') renderView(next.view, state.loaded[next.view], t, ruleLabel);
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A CSV button of the follow-up or data-quality view (`data-csv` = the section). */
async function downloadViewCsv(view, section) {
  const loaded = state.loaded[view];
  if (!loaded) return;
  const { path, params, name } = csvRequest(view, section, loaded);
  try {
    saveBlob(await fetchReportCsv(path, $('token').value.trim(), params), name);
    state.error = undefined;
    state.notice = { key: 'csvDone' };
  } catch (e) {
    state.error = errorMessage(e);
  }
  renderMessages();
}

async function downloadCsv() {
  if (!state.report) return;
  const { from, to } = state.report;
  const { params, name } = csvParams(from, to);
  try {
    saveBlob(await fetchCsv($('token').value.trim(), params), `qc-notification-compliance_${name}_${from}_${to}.csv`);
    state.error = undefined;
    state.notice = { key: 'csvDone' };
  } catch (e) {
    state.error = errorMessage(e);
  }
  renderMessages();
}

function init() {
  const period = defaultPeriod();
  $('from').value = period.from;
  $('to').value = period.to;
  $('token').value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  $('query-form').addEventListener('submit', load);
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
    sessionStorage.setItem(LANG_KEY, state.lang);
    applyLanguage();
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $('token').value = '';
  });
  for (const id of ['filter-status', 'filter-institution', 'filter-rule']) {
    $(id).addEventListener('change', () => {
      state.page = 1;
      renderCases();
    });
  }
  $('sort-date').addEventListener('click', () => {
    state.sortDir = state.sortDir === 'asc' ? 'desc' : 'asc';
    renderCases();
  });
  $('page-prev').addEventListener('click', () => {
    state.page -= 1;
    renderCases();
  });
  $('page-next').addEventListener('click', () => {
    state.page += 1;
    renderCases();
  });
  $('csv-download').addEventListener('click', downloadCsv);
  for (const view of ['follow-up', 'data-quality']) {
    const panel = document.querySelector(`[data-view-panel="${view}"]`);
    for (const b of panel.querySelectorAll('[data-csv]')) b.addEventListener('click', () => downloadViewCsv(view, b.dataset.csv));
  }
  for (const [id, view] of [
    ['fu-group-by', 'follow-up'],
    ['dq-group-by', 'data-quality'],
  ]) {
    $(id).addEventListener('change', () => selectView({ view, groupBy: $(id).value, focus: '' }));
  }
  $('fu-focus').addEventListener('change', () => selectView({ view: 'follow-up', focus: $('fu-focus').value }));
  window.addEventListener('hashchange', () => selectView(readHash(window.location.hash)));
  selectView(readHash(window.location.hash));
  applyLanguage();
  document.body.dataset.ready = 'true';
}

init();
