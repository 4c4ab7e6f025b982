/* global document */
/**
 * The case list: pure filtering, sorting and paging, and the table rows (text only, never
 * innerHTML: case data comes from the audit trail). Statuses as docs/design.md#case-status.
 */
export const PAGE_SIZE = 20;

/** `problem`: the cases still open (pending, notice issued, missing) or notified late. */
const PROBLEM = new Set(['pending', 'notice-issued', 'missing', 'notified-late']);

export function filterCases(cases, { status, institution, rule }) {
  return cases.filter((c) => {
    if (status === 'problem' ? !PROBLEM.has(c.status) : status !== 'all' && c.status !== status) return false;
    if (institution && c.institution !== institution) return false;
    if (rule && !(Array.isArray(c.rules) && c.rules.includes(rule))) return false;
    return true;
  });
}

/** By first indicated instant, then pregnancy, ascending or descending. */
export function sortCases(cases, dir) {
  const sign = dir === 'desc' ? -1 : 1;
  return [...cases].sort((a, b) => {
    const d = Date.parse(a.firstIndicatedAt) - Date.parse(b.firstIndicatedAt);
    return sign * (d || String(a.pregnancy).localeCompare(String(b.pregnancy)));
  });
}

export function pageOf(list, page, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const p = Math.min(Math.max(1, page), pages);
  return { items: list.slice((p - 1) * size, p * size), page: p, pages };
}

const pad = (n) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm` in the browser's zone; '—' for null. */
export function formatInstant(iso, none) {
  if (!iso) return none;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const STATUS_KEY = {
  pending: 'statusPending',
  'notice-issued': 'statusNoticeIssued',
  'notified-in-time': 'statusNotified',
  'notified-late': 'statusLate',
  missing: 'statusMissing',
  declined: 'statusDeclined',
  postponed: 'statusPostponed',
};

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

/**
 * Her id — or her pseudonym, for a province reader not allowed more — and under it her record
 * number when the reader sees it (docs/design.md#patient-identity).
 */
function patientCell(c, t, none) {
  const td = cell(c.patient ?? none);
  if (typeof c.mrn === 'string' && c.mrn) {
    const mrn = document.createElement('span');
    mrn.className = 'mrn';
    mrn.textContent = t('mrn', { mrn: c.mrn });
    td.append(document.createElement('br'), mrn);
  }
  return td;
}

/** Replaces the rows of `tbody` with `items`; `t` translates, `ruleLabel` names a rule id. */
export function renderCaseRows(tbody, items, t, ruleLabel) {
  const none = t('none');
  tbody.replaceChildren(
    ...items.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.status = String(c.status);
      const badge = document.createElement('span');
      badge.className = `badge badge-${STATUS_KEY[c.status] ? c.status : 'unknown'}`;
      badge.textContent = STATUS_KEY[c.status] ? t(STATUS_KEY[c.status]) : String(c.status);
      const status = document.createElement('td');
      status.append(badge);
      if (c.status === 'pending' && typeof c.dueBy === 'string') {
        const due = document.createElement('span');
        due.className = 'due-by';
        due.textContent = t('dueBy', { date: c.dueBy });
        status.append(' ', due);
      }
      const rules = (Array.isArray(c.rules) ? c.rules : []).map(ruleLabel).join(t('listSeparator'));
      tr.append(
        status,
        cell(formatInstant(c.firstIndicatedAt, none), 'nowrap'),
        cell(c.institution ?? none),
        cell(c.practitioner ?? none),
        patientCell(c, t, none),
        cell(c.pregnancy ?? none, 'mono'),
        cell(rules || none),
        cell(formatInstant(c.noticeAt, none), 'nowrap'),
        cell(formatInstant(c.acknowledgedAt, none), 'nowrap'),
      );
      return tr;
    }),
  );
}
