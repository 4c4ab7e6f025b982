/* global document */
/**
 * Headline figures: indicated, due (the rates' denominator: deadline passed or notified), notified,
 * in time, both rates, and the pending / notice-issued / missing / late counts (only missing is red).
 */
const pct = (r) => (typeof r === 'number' && Number.isFinite(r) ? `${Math.round(r * 1000) / 10}%` : '—');

export function renderHeadline(dl, total, cases, t) {
  const count = (s) => cases.filter((c) => c.status === s).length;
  const figures = [
    ['indicated', String(total.indicated), ''],
    ['due', String(total.due), ''],
    ['notified', String(total.notified), ''],
    ['notifiedInTime', String(total.notifiedInTime), ''],
    ['rate', pct(total.rate), 'rate'],
    ['inTimeRate', pct(total.inTimeRate), 'rate'],
    ['pending', String(total.pending), ''],
    ['noticeIssued', String(total.noticeIssued), ''],
    ['missing', String(total.missing), 'alert'],
    ['late', String(count('notified-late')), 'warn'],
  ];
  dl.replaceChildren(
    ...figures.map(([key, value, kind]) => {
      const box = document.createElement('div');
      box.className = `figure ${kind}`;
      box.dataset.figure = key;
      const dt = document.createElement('dt');
      dt.textContent = t(key);
      const dd = document.createElement('dd');
      dd.textContent = value;
      box.append(dt, dd);
      return box;
    }),
  );
}
