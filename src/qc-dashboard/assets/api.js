/* global fetch, URLSearchParams */
/**
 * Calls of the QC API (docs/design.md#qc) with the QC bearer token. Failures are data: a
 * QcError with `kind` network | http | format and, for http, the status and the server's detail.
 */
export class QcError extends Error {
  constructor(kind, status, detail) {
    super(`${kind}${status ? ` ${status}` : ''}`);
    this.kind = kind;
    this.status = status;
    this.detail = detail;
  }
}

/** Relative to the page (`/qc/`), so the dashboard works under any path prefix. */
export function complianceUrl(params) {
  return `notification-compliance?${new URLSearchParams(params).toString()}`;
}

/** A QC report's URL relative to the page: `follow-up`, `data-quality`, `notification-compliance`. */
export function reportUrl(path, params) {
  return `${path}?${new URLSearchParams(params).toString()}`;
}

async function call(token, params, accept, url = complianceUrl(params)) {
  let res;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: accept },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new QcError('network');
  }
  if (!res.ok) throw new QcError('http', res.status, await detailOf(res));
  return res;
}

/** The first issue's diagnostics or details text of an OperationOutcome, if any. */
async function detailOf(res) {
  try {
    const body = await res.json();
    const issue = Array.isArray(body?.issue) ? body.issue[0] : undefined;
    const text = issue?.diagnostics ?? issue?.details?.text ?? issue?.code;
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

const isCount = (v) => typeof v === 'number' && Number.isFinite(v);
const isRow = (r) => r && typeof r === 'object' && isCount(r.indicated) && isCount(r.notified) && isCount(r.notifiedInTime);

/** `GET notification-compliance` as JSON, its shape checked; `X-Total-Count` as `totalCases`. */
export async function fetchCompliance(token, params) {
  const res = await call(token, params, 'application/json');
  let body;
  try {
    body = await res.json();
  } catch {
    throw new QcError('format');
  }
  const ok = body && Array.isArray(body.rows) && body.rows.every(isRow) && isRow(body.total) && Array.isArray(body.cases);
  if (!ok) throw new QcError('format');
  const total = Number(res.headers.get('X-Total-Count'));
  return { ...body, totalCases: Number.isFinite(total) ? total : body.cases.length };
}

/** The server pages the case list (at most 1000 a page); this reads every page. */
export const PAGE_LIMIT = 1000;
const MAX_PAGES = 50;

/** The report with the whole case list (every page) — the dashboard filters and sorts locally. */
export async function fetchReportWithAllCases(token, params) {
  const first = await fetchCompliance(token, { ...params, limit: PAGE_LIMIT });
  const cases = [...first.cases];
  for (let i = 1; cases.length < first.totalCases && i < MAX_PAGES; i += 1) {
    const next = await fetchCompliance(token, { ...params, limit: PAGE_LIMIT, offset: cases.length });
    if (next.cases.length === 0) break;
    cases.push(...next.cases);
  }
  return { ...first, cases };
}

/** A CSV document (`format=csv`) as a Blob ready for download. */
export async function fetchCsv(token, params) {
  const res = await call(token, { ...params, format: 'csv' }, 'text/csv');
  return res.blob();
}

const isList = (v) => Array.isArray(v);
const FUNNEL_COUNTS = ['indicated', 'notified', 'signed', 'referred', 'procedure', 'result', 'outcome'];
const isFunnelRow = (r) => r && typeof r === 'object' && FUNNEL_COUNTS.every((k) => isCount(r[k]));
const isQualityRow = (r) => r && typeof r === 'object' && isCount(r.undecided) && isCount(r.ruleErrors);

/** A list's whole length from a total-count header, else the length received. */
function totalOf(res, header, received) {
  const n = Number(res.headers.get(header));
  return res.headers.get(header) !== null && Number.isInteger(n) && n >= received ? n : received;
}

async function fetchChecked(path, token, params, ok) {
  const res = await call(token, params, 'application/json', reportUrl(path, params));
  let body;
  try {
    body = await res.json();
  } catch {
    throw new QcError('format');
  }
  if (!ok(body)) throw new QcError('format');
  return { body, res };
}

/** The list page size: `limit` when the view asks for fewer (1..1000), else {@link PAGE_LIMIT}. */
const pageOf = (limit) => (Number.isInteger(limit) && limit >= 1 && limit <= PAGE_LIMIT ? limit : PAGE_LIMIT);

/**
 * `GET follow-up` (docs/design.md#qc): the funnel rows, the undiagnosed and NIPT lists, shape
 * checked; the lists' whole lengths from `X-Total-Count` / `X-Nipt-Total-Count` as
 * `undiagnosedTotal` / `niptTotal` (the server sends at most `limit` of each).
 */
export async function fetchFollowUp(token, { limit, ...params }) {
  const ok = (b) => b && isList(b.rows) && b.rows.every(isFunnelRow) && isFunnelRow(b.total) && isList(b.undiagnosed) && isList(b.nipt);
  const { body, res } = await fetchChecked('follow-up', token, { ...params, limit: pageOf(limit) }, ok);
  return {
    ...body,
    undiagnosedTotal: totalOf(res, 'X-Total-Count', body.undiagnosed.length),
    niptTotal: totalOf(res, 'X-Nipt-Total-Count', body.nipt.length),
  };
}

/** `GET data-quality` (docs/design.md#data-quality): counts per institution or rule and the item list. */
export async function fetchDataQuality(token, { limit, ...params }) {
  const ok = (b) => b && isList(b.rows) && b.rows.every(isQualityRow) && isQualityRow(b.total) && isList(b.items);
  const { body, res } = await fetchChecked('data-quality', token, { ...params, limit: pageOf(limit) }, ok);
  return { ...body, itemsTotal: totalOf(res, 'X-Total-Count', body.items.length) };
}

/** A CSV document of any QC report (`format=csv`) as a Blob. */
export async function fetchReportCsv(path, token, params) {
  const all = { ...params, format: 'csv' };
  const res = await call(token, all, 'text/csv', reportUrl(path, all));
  return res.blob();
}
