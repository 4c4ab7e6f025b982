/* global document */
import { formatInstant } from './cases.js';
import { cutText } from './funnel.js';

/**
 * The data-quality view (docs/design.md#data-quality): per institution or per rule, the undecided
 * outcomes ("could not decide": data missing or unusable) and rule errors ("could not evaluate")
 * of the period's hook calls, and the list of them, oldest first as the API gives it. Text only.
 */
const $ = (id) => document.getElementById(id);

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined) n.textContent = String(text);
  return n;
}

const COUNTS = ['undecided', 'ruleErrors', 'calls'];

function keyCell(key, groupBy, ruleLabel) {
  const th = node('th', '', groupBy === 'rule' ? ruleLabel(key) : key);
  th.scope = 'row';
  if (groupBy === 'rule' && ruleLabel(key) !== key) th.append(' ', node('small', 'mono muted', key));
  return th;
}

/** The counts table: one line per group, then the total. */
export function renderQualityCounts(table, report, t, ruleLabel) {
  const head = node('tr');
  head.append(node('th', '', t(report.groupBy === 'rule' ? 'colRule' : 'colInstitution')));
  for (const c of COUNTS) head.append(node('th', 'num', t(`dq.${c}`)));
  const line = (key, r, cls, label) => {
    const tr = node('tr', cls);
    if (cls !== 'total') tr.dataset.key = key;
    tr.append(label ?? keyCell(key, report.groupBy, ruleLabel));
    for (const c of COUNTS) {
      const td = node('td', `num${c === 'ruleErrors' && r[c] > 0 ? ' warn' : ''}`, Number(r[c]) || 0);
      td.dataset.count = c;
      tr.append(td);
    }
    return tr;
  };
  const totalLabel = node('th', '', t('total'));
  totalLabel.scope = 'row';
  const thead = node('thead');
  thead.append(head);
  const tbody = node('tbody');
  tbody.append(...report.rows.map((r) => line(String(r.key), r)), line('', report.total, 'total', totalLabel));
  table.replaceChildren(thead, tbody);
}

/** The undecided outcomes and rule errors, one line each. */
export function renderQualityItems(tbody, items, t, ruleLabel) {
  const none = t('none');
  tbody.replaceChildren(
    ...items.map((i) => {
      const tr = node('tr');
      tr.dataset.kind = String(i.kind);
      const kind = node('td');
      kind.append(node('span', `badge badge-${i.kind === 'rule-error' ? 'rule-error' : 'undecided'}`, t(`dq.kind.${i.kind}`)));
      tr.append(
        kind,
        node('td', 'nowrap', formatInstant(i.receivedAt, none)),
        node('td', '', i.institution ?? none),
        node('td', '', i.rule ? ruleLabel(i.rule) : none),
        node('td', 'mono', i.reason ?? none),
        node('td', '', i.patient ?? none),
        node('td', 'mono', i.service ?? none),
      );
      return tr;
    }),
  );
}

/** Renders a whole `GET data-quality` answer into the view. */
export function renderDataQualityView(report, t, ruleLabel) {
  renderQualityCounts($('dq-table'), report, t, ruleLabel);
  renderQualityItems($('dq-items-rows'), report.items, t, ruleLabel);
  const shown = report.items.length;
  $('dq-items-count').textContent = shown ? `${t('dq.itemCount', { n: shown })}${cutText(shown, report.itemsTotal, t)}` : t('dq.noItems');
}
