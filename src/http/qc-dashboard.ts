import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../package-root.js';
import { methodNotAllowed } from './errors.js';

/** The dashboard's files (src/qc-dashboard/assets) and their media types; nothing else is served. */
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'cases.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
  'headline.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'funnel.js': 'text/javascript; charset=utf-8',
  'data-quality.js': 'text/javascript; charset=utf-8',
  'i18n.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/** Same-origin scripts, styles, data calls only: no inline script, no CDN, no framing. */
export const DASHBOARD_CSP =
  "default-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** Reads the page and its assets once, at start, from the package (works from src/ and dist/). */
export function loadDashboardFiles(root: string = packageRoot()): { html: string; assets: ReadonlyMap<string, string> } {
  const dir = join(root, 'src', 'qc-dashboard', 'assets');
  const assets = new Map(Object.keys(DASHBOARD_ASSETS).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  return { html: readFileSync(join(dir, 'index.html'), 'utf8'), assets };
}

function send(res: Response, type: string, body: string): void {
  res
    .status(200)
    .set({ ...SECURITY_HEADERS, 'Content-Type': type })
    .send(body);
}

/**
 * The QC dashboard (docs/design.md#qc), mounted at `/qc`: `GET /qc/` (the page) and
 * `GET /qc/assets/{file}`. Static and public: the data calls from the page carry the QC token.
 * `/qc` redirects to `/qc/` so the page's relative URLs (`assets/…`, `notification-compliance`)
 * resolve under any path prefix.
 */
export function qcDashboardRouter(files = loadDashboardFiles()): Router {
  const router = Router({ strict: true });
  router.get('/', (req, res) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(301, 'qc/');
      return;
    }
    send(res, 'text/html; charset=utf-8', files.html);
  });
  router.all('/', methodNotAllowed(['GET', 'HEAD']));
  router.get('/assets/:name', (req, res) => {
    const name = String(req.params.name);
    const type = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
    const body = files.assets.get(name);
    if (!type || body === undefined) throw new AppError('not-found');
    send(res, type, body);
  });
  router.all('/assets/:name', methodNotAllowed(['GET', 'HEAD']));
  return router;
}
