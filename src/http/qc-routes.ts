import { Router, type RequestHandler } from 'express';
import { qcAuthenticator, scopeInstitution, type QcAuthenticate } from '../auth/qc-auth.js';
import { configuredReportSettings } from '../qc/report-settings.js';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_LIMIT, parseComplianceQuery, type ComplianceQuery } from '../qc/compliance-query.js';
import type { ComplianceReport } from '../qc/compliance-types.js';
import { casesCsv, rowsCsv } from '../qc/csv.js';
import { checkReportSigning } from '../qc/report-signing.js';
import { parseSigningBundle } from '../qc/report-signing-schema.js';
import type { AppDeps } from '../ports.js';
import type { AuditStore } from '../store/audit-store.js';
import { methodNotAllowed } from './errors.js';
import { readJsonBody } from './read-json-body.js';
import { complianceReport } from '../store/compliance-report.js';
import { requestLogger } from './request-id.js';
import { qcDataQualityHandler } from './qc-data-quality-route.js';
import { qcIdentity, type QcIdentity } from './qc-identity.js';
import { qcFollowUpHandler } from './qc-follow-up-route.js';
import { qcRegistryHandler } from './qc-registry-route.js';

/**
 * How far before `from` findings are read: a pregnancy first indicated up to this many days before
 * the period is recognised as already indicated (not newly indicated in the period). A pregnancy
 * lasts ≤ ~300 days.
 */

type QcDeps = AppDeps & { readonly audit: AuditStore };

/**
 * The QC API (docs/design.md#qc), protected by QC_TOKENS bearer tokens, never the EHR JWT:
 * `GET /qc/notification-compliance`. JSON by default; CSV with `format=csv` or `Accept: text/csv`
 * (`section=cases`, the default, or `section=rows`); `POST /qc/report-signing` (Art. 26 signing
 * check over a posted Bundle of DiagnosticReport + Practitioner, JSON). Never cached.
 */
export function qcRouter(deps: QcDeps): Router {
  const router = Router();
  const authenticate = qcAuthenticator(deps.config.qcTokens);
  // Who sees patient ids and record numbers, who pseudonyms (docs/design.md#patient-identity).
  const identity = qcIdentity(deps);
  router.get('/qc/notification-compliance', complianceHandler(deps, authenticate, identity));
  router.all('/qc/notification-compliance', methodNotAllowed(['GET', 'HEAD']));
  router.get('/qc/data-quality', qcDataQualityHandler(deps, authenticate, identity));
  router.all('/qc/data-quality', methodNotAllowed(['GET', 'HEAD']));
  router.get('/qc/follow-up', qcFollowUpHandler(deps, authenticate, identity));
  router.all('/qc/follow-up', methodNotAllowed(['GET', 'HEAD']));
  router.post('/qc/report-signing', reportSigningHandler(deps, authenticate));
  router.all('/qc/report-signing', methodNotAllowed(['POST']));
  if (deps.registry) {
    router.get('/qc/registry', qcRegistryHandler({ registry: deps.registry, clock: deps.clock, policy: deps.config.policy }, authenticate));
    router.all('/qc/registry', methodNotAllowed(['GET', 'HEAD']));
  }
  return router;
}

function complianceHandler(deps: QcDeps, authenticate: QcAuthenticate, identity: QcIdentity): RequestHandler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const principal = authenticate(req.headers.authorization);
    const parsed = parseComplianceQuery(req.query);
    if (!parsed.ok) throw new AppError('invalid-query', parsed.issues);
    const q = parsed.value;
    const institutionId = scopeInstitution(principal, q.institution);
    const today = deps.clock.now().today;
    const opts = { from: q.from, to: q.to, groupBy: q.groupBy, ...configuredReportSettings(deps.config, today) };
    const { report, source } = await complianceReport(deps.audit, { from: q.from, to: q.to, institution: institutionId }, opts);
    // Whether the summary answered (docs/design.md#qc-summary): ids and counts only.
    requestLogger(res, deps.logger).info({ source, cases: report.cases.length }, 'compliance report');
    const present = await identity(principal);
    const filtered = (q.status ? report.cases.filter((c) => c.status === q.status) : report.cases).map((c) => present.case(c));
    res.setHeader('X-Total-Count', String(filtered.length));
    const csv = q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      const paged = q.limit === undefined && q.offset === undefined ? filtered : page(filtered, q);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="notification-compliance-${q.section ?? 'cases'}-${q.from}-${q.to}.csv"`)
        .send(q.section === 'rows' ? rowsCsv(report.rows, report.total) : casesCsv(paged));
      return;
    }
    const body: ComplianceReport = { ...report, cases: page(filtered, q) };
    res.status(200).json(body);
  };
}

function reportSigningHandler(deps: QcDeps, authenticate: QcAuthenticate): RequestHandler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    authenticate(req.headers.authorization);
    const parsed = parseSigningBundle(await readJsonBody(req, deps.config));
    if (!parsed.ok) throw new AppError('invalid-bundle', parsed.issues);
    res.status(200).json(checkReportSigning(parsed.value, deps.config.clinicTimeZone));
  };
}

function page<T>(items: readonly T[], q: ComplianceQuery): T[] {
  const offset = q.offset ?? 0;
  return items.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT));
}
