/* global document */
/**
 * The follow-up view (docs/design.md#qc): the funnel indicated → notified → signed → referred →
 * procedure → result → outcome as horizontal bars (count and % of indicated) for the whole period
 * or one institution / month, the table of every group, the list of indicated or NIPT high-risk
 * pregnancies not diagnosed, most urgent first, and the NIPT lists (Art. 29). Text only, never
 * innerHTML: everything shown comes from the audit trail.
 */
export const FUNNEL_STAGES = ['indicated', 'notified', 'signed', 'referred', 'procedure', 'result', 'outcome'];

/** `n` of `of` as a percentage with one decimal; '—' when nothing is indicated. */
export function percentOf(n, of) {
  return of > 0 ? `${Math.round((n / of) * 1000) / 10}%` : '—';
}

/** Most overdue first, then fewest days left; ties by due day and pregnancy (stable across loads). */
export function sortByUrgency(items) {
  return [...items].sort(
    (a, b) =>
      (Number(b.overdueDays) || 0) - (Number(a.overdueDays) || 0) ||
      String(a.diagnosisDueBy).localeCompare(String(b.diagnosisDueBy)) ||
      String(a.pregnancy).localeCompare(String(b.pregnancy)),
  );
}

/** Whole days from calendar day `a` to calendar day `b` (YYYY-MM-DD), or undefined. */
export function daysBetween(a, b) {
  const day = (s) =>
    typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8)) : NaN;
  const d = (day(b) - day(a)) / 86_400_000;
  return Number.isFinite(d) ? d : undefined;
}

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined) n.textContent = String(text);
  return n;
}

/** The funnel of one set of counts: one bar per stage, width = share of indicated. */
export function renderFunnel(list, counts, t) {
  const base = counts.indicated;
  list.replaceChildren(
    ...FUNNEL_STAGES.map((stage) => {
      const n = Number(counts[stage]) || 0;
      const li = node('li', 'funnel-stage');
      li.dataset.stage = stage;
      const fill = node('span', 'funnel-fill');
      fill.style.width = `${base > 0 ? Math.min(100, (n / base) * 100) : 0}%`;
      const track = node('span', 'funnel-track');
      track.setAttribute('aria-hidden', 'true');
      track.append(fill);
      const label = node('span', 'funnel-label', t(`stage.${stage}`));
      if (stage === 'signed') {
        const split = ['accepted', 'declined', 'postponed'].map((k) => t(`signed.${k}`, { n: Number(counts[k]) || 0 }));
        label.append(node('small', 'funnel-split', split.join(' · ')));
      }
      li.append(label, track, node('span', 'funnel-count', n), node('span', 'funnel-pct', percentOf(n, base)));
      return li;
    }),
  );
}

/** Every group (institution or month) and the total: count and % of indicated per stage. */
export function renderFunnelTable(table, report, t) {
  const head = node('tr');
  head.append(node('th', '', t(report.groupBy === 'month' ? 'colMonth' : 'colInstitution')));
  for (const s of FUNNEL_STAGES) head.append(node('th', 'num', t(`stage.${s}`)));
  const line = (key, r, cls) => {
    const tr = node('tr', cls);
    if (cls !== 'total') tr.dataset.key = key;
    const th = node('th', '', key);
    th.scope = 'row';
    tr.append(th);
    for (const s of FUNNEL_STAGES) {
      const td = node('td', 'num');
      td.append(node('span', 'n', Number(r[s]) || 0));
      if (s !== 'indicated') td.append(' ', node('small', 'muted', percentOf(Number(r[s]) || 0, r.indicated)));
      td.dataset.stage = s;
      tr.append(td);
    }
    return tr;
  };
  const thead = node('thead');
  thead.append(head);
  const tbody = node('tbody');
  tbody.append(...report.rows.map((r) => line(String(r.key), r)), line(t('total'), report.total, 'total'));
  table.replaceChildren(thead, tbody);
}

/** The patient (id or pseudonym), and her record number under it when the answer carries one. */
function patientCell(item, none, t) {
  const td = node('td', '', item.patient ?? none);
  if (typeof item.mrn === 'string' && item.mrn) td.append(node('small', 'mrn', t('mrn', { mrn: item.mrn })));
  return td;
}

/** The undiagnosed list, in the order given (see {@link sortByUrgency}); overdue in red. */
export function renderUndiagnosed(tbody, items, t, ruleLabel) {
  const none = t('none');
  tbody.replaceChildren(
    ...items.map((u) => {
      const tr = node('tr');
      tr.dataset.pregnancy = String(u.pregnancy);
      const days = Number(u.overdueDays) || 0;
      const urgency = node('td', 'nowrap');
      urgency.append(
        days > 0
          ? node('span', 'overdue', t('overdueDays', { n: days }))
          : node('span', 'days-left', days === 0 ? t('dueToday') : t('daysLeft', { n: -days })),
      );
      const why =
        u.reason === 'nipt-high-risk'
          ? t('reasonNipt')
          : (Array.isArray(u.rules) ? u.rules : []).map(ruleLabel).join(t('listSeparator')) || t('reasonIndicated');
      tr.append(
        urgency,
        node('td', 'nowrap', u.diagnosisDueBy ?? none),
        node('td', '', u.institution ?? none),
        patientCell(u, none, t),
        node('td', 'mono', u.pregnancy ?? none),
        node('td', '', why),
        node('td', 'nowrap', typeof u.indicatedAt === 'string' ? u.indicatedAt.slice(0, 10) : none),
        node('td', 'nowrap', u.edd ?? none),
        node('td', '', u.stage ? t(`stage.${u.stage}`) : none),
      );
      return tr;
    }),
  );
}

/** The columns of both NIPT lists (high-risk undiagnosed, no outcome): one header for the two tables. */
export const NIPT_COLUMNS = ['colDueBy', 'colInstitution', 'colPatient', 'colPregnancy', 'colNiptOn', 'colEdd'];

/** The header row of a NIPT list's table, in the reader's language (re-rendered with the view). */
export function renderNiptHead(table, t) {
  const tr = node('tr');
  for (const key of NIPT_COLUMNS) {
    const th = node('th', '', t(key));
    th.scope = 'col';
    tr.append(th);
  }
  table.createTHead().replaceChildren(tr);
}

/** One NIPT list (high-risk undiagnosed, or no outcome) under its header; a due day before `today` is red. */
export function renderNipt(tbody, items, today, t) {
  renderNiptHead(tbody.closest('table'), t);
  const none = t('none');
  tbody.replaceChildren(
    ...items.map((n) => {
      const tr = node('tr');
      tr.dataset.pregnancy = String(n.pregnancy);
      const late = daysBetween(n.dueBy, today);
      const due = node('td', 'nowrap', n.dueBy ?? none);
      if (late !== undefined && late > 0) due.append(' ', node('span', 'overdue', t('overdueDays', { n: late })));
      tr.append(
        due,
        node('td', '', n.institution ?? none),
        patientCell(n, none, t),
        node('td', 'mono', n.pregnancy ?? none),
        node('td', 'nowrap', n.niptOn ?? none),
        node('td', 'nowrap', n.edd ?? none),
      );
      return tr;
    }),
  );
}

const $ = (id) => document.getElementById(id);

/**
 * Renders a whole `GET follow-up` answer into the view: the funnel of `focus` (a row key, or ''
 * for the total), the group table, the undiagnosed list by urgency and both NIPT lists.
 */
export function renderFollowUpView(report, focus, t, ruleLabel) {
  const keys = report.rows.map((r) => String(r.key));
  const select = $('fu-focus');
  const all = node('option', '', t('total'));
  all.value = '';
  select.replaceChildren(all, ...keys.map((k) => Object.assign(node('option', '', k), { value: k })));
  select.value = keys.includes(focus) ? focus : '';
  const counts = report.rows.find((r) => String(r.key) === select.value) ?? report.total;
  renderFunnel($('fu-funnel'), counts, t);
  renderFunnelTable($('fu-table'), report, t);
  const undiagnosed = sortByUrgency(report.undiagnosed);
  renderUndiagnosed($('fu-undiagnosed-rows'), undiagnosed, t, ruleLabel);
  $('fu-undiagnosed-count').textContent = countText(undiagnosed.length, report.undiagnosedTotal, t);
  // The server cuts the NIPT list as one (X-Nipt-Total-Count): a cut shows under both kinds.
  const niptCut = cutText(report.nipt.length, report.niptTotal, t);
  for (const kind of ['high-risk-undiagnosed', 'no-outcome']) {
    const list = report.nipt.filter((n) => n.kind === kind).sort((a, b) => String(a.dueBy).localeCompare(String(b.dueBy)));
    renderNipt($(`fu-nipt-${kind}-rows`), list, report.today, t);
    $(`fu-nipt-${kind}-count`).textContent = `${list.length ? t('caseCount', { n: list.length }) : t('noCases')}${niptCut}`;
  }
}

/** "showing N of M" when the server sent only part of a list (its total header), else ''. */
export function cutText(shown, total, t) {
  return Number.isInteger(total) && total > shown ? ` (${t('shownOf', { shown, total })})` : '';
}

/** A list's count, with the cut when it is cut. */
function countText(shown, total, t) {
  return shown ? `${t('caseCount', { n: shown })}${cutText(shown, total, t)}` : t('noCases');
}
