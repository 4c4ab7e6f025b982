/* global document */
/**
 * A hand-rolled SVG grouped bar chart: per row (institution, month…) one bar for the notification
 * rate and one for the in-time rate, 0–100 %. Every text goes in through textContent; every bar
 * carries an accessible label with the numbers behind it.
 */
const SVG = 'http://www.w3.org/2000/svg';
const H = 260;
const M = { top: 44, right: 16, bottom: 40, left: 48 };
const MIN_PLOT = 480;
const MIN_GROUP = 72;

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Rough text width at 13px: wide for CJK, narrow for Latin (the SVG is not laid out yet). */
const textWidth = (text) => [...text].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 13 : 7.5), 0);

const pct = (r) => (typeof r === 'number' && Number.isFinite(r) ? `${Math.round(r * 1000) / 10}%` : '—');

/**
 * Renders `rows` into `container` (replacing what was there).
 * opts: { t(key, params), titleId, series: [{ field, num, den, label, cls }], labelOf(key) }.
 */
export function renderBarChart(container, rows, opts) {
  container.replaceChildren();
  if (rows.length === 0) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = opts.t('chartEmpty');
    container.append(p);
    return;
  }
  const plotW = Math.max(rows.length * MIN_GROUP, MIN_PLOT);
  const GROUP = plotW / rows.length;
  const BAR = Math.min(36, (GROUP * 0.7) / opts.series.length);
  const W = M.left + plotW + M.right;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-labelledby': opts.titleId, class: 'bar-chart' });
  svg.style.minWidth = `${Math.round(W * 0.75)}px`;
  const plotH = H - M.top - M.bottom;
  const y = (v) => M.top + plotH * (1 - v);

  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(el('line', { x1: M.left, x2: W - M.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis' : 'grid' }));
    svg.append(el('text', { x: M.left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, `${tick * 100}%`));
  }

  let lx = M.left;
  for (const s of opts.series) {
    svg.append(el('rect', { x: lx, y: 10, width: 12, height: 12, class: s.cls, 'aria-hidden': 'true' }));
    svg.append(el('text', { x: lx + 17, y: 21, class: 'legend' }, s.label));
    lx += 40 + textWidth(s.label);
  }

  rows.forEach((row, i) => {
    const gx = M.left + i * GROUP + (GROUP - BAR * opts.series.length) / 2;
    const name = opts.labelOf(row.key);
    opts.series.forEach((s, j) => {
      const v = typeof row[s.field] === 'number' ? Math.max(0, Math.min(1, row[s.field])) : 0;
      const x = gx + j * BAR;
      const aria = opts.t('chartBar', { key: name, series: s.label, rate: pct(row[s.field]), num: row[s.num], den: row[s.den] });
      const bar = el('rect', {
        x,
        y: y(v),
        width: BAR - 4,
        height: Math.max(plotH * v, 0.5),
        class: `bar ${s.cls}`,
        role: 'img',
        'aria-label': aria,
        'data-key': row.key,
        'data-series': s.field,
      });
      bar.append(el('title', {}, aria));
      svg.append(bar);
      svg.append(
        el(
          'text',
          { x: x + (BAR - 4) / 2, y: y(v) - 5, class: 'value', 'text-anchor': 'middle', 'aria-hidden': 'true' },
          pct(row[s.field]),
        ),
      );
    });
    const short = name.length > 10 ? `${name.slice(0, 9)}…` : name;
    const g = el('g', { class: 'x-label' });
    if (short !== name) g.append(el('title', {}, name));
    g.append(
      el(
        'text',
        { x: M.left + i * GROUP + GROUP / 2, y: H - M.bottom + 18, class: 'label', 'text-anchor': 'middle', 'data-key': row.key },
        short,
      ),
    );
    svg.append(g);
  });
  container.append(svg);
}
