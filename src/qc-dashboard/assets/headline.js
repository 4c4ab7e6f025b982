/* global document */
/** Headline figures: indicated, notified, in time, both rates, and the missing/late counts. */
const pct = (r) => (typeof r === 'number' && Number.isFinite(r) ? `${Math.round(r * 1000) / 10}%` : '—');

export function renderHeadline(dl, total, cases, t) {
  const count = (s) => cases.filter((c) => c.status === s).length;
  const figures = [
    ['indicated', String(total.indicated), ''],
    ['notified', String(total.notified), ''],
    ['notifiedInTime', String(total.notifiedInTime), ''],
    ['rate', pct(total.rate), 'rate'],
    ['inTimeRate', pct(total.inTimeRate), 'rate'],
    ['missing', String(count('missing')), 'alert'],
    ['late', String(count('late')), 'warn'],
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
