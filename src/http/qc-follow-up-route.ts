import type { RequestHandler } from 'express';
import { scopeInstitution, type QcAuthenticate } from '../auth/qc-auth.js';
import type { Config } from '../config/schema.js';
import { configuredReportSettings } from '../qc/report-settings.js';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_LIMIT } from '../qc/period-query.js';
import { followUpRowsCsv, niptCsv, undiagnosedCsv } from '../qc/follow-up-csv.js';
import { parseFollowUpQuery, type FollowUpQuery } from '../qc/follow-up-query.js';
import type { FollowUpReport } from '../qc/follow-up-types.js';
import type { Clock } from '../clock.js';
import type { Logger } from 'pino';
import type { AuditStore } from '../store/audit-store.js';
import { followUpReport } from '../store/follow-up-report.js';
import type { QcIdentity } from './qc-identity.js';
import { requestLogger } from './request-id.js';

type Deps = {
  readonly audit: AuditStore;
  readonly clock: Clock;
  readonly config: Pick<Config, 'clinicTimeZone' | 'noticeDeadlineDays' | 'policy'>;
  readonly logger: Logger;
};

/**
 * `GET /qc/follow-up?from&to&groupBy=institution|month` (docs/design.md#follow-up): the funnel
 * indicated → notified → signed → referred → procedure → result → outcome per institution or month,
 * the undiagnosed pregnancies by urgency and the NIPT follow-up of Art. 29. QC token scoping as the
 * other reports (an institution token reads its own institution only, 403 otherwise); JSON, or CSV
 * with `format=csv` / `Accept: text/csv` (`section=rows`, the default, `undiagnosed` or `nipt`).
 * `limit`/`offset` page both lists; `X-Total-Count` is the undiagnosed total (in CSV, the section's),
 * `X-Nipt-Total-Count` the NIPT one. Never cached.
 */
export function qcFollowUpHandler(deps: Deps, authenticate: QcAuthenticate, identity: QcIdentity): RequestHandler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const principal = authenticate(req.headers.authorization);
    const parsed = parseFollowUpQuery(req.query);
    if (!parsed.ok) throw new AppError('invalid-query', parsed.issues);
    const q = parsed.value;
    const institution = scopeInstitution(principal, q.institution);
    const today = deps.clock.now().today;
    const opts = { from: q.from, to: q.to, groupBy: q.groupBy, ...configuredReportSettings(deps.config, today) };
    const { report: computed, source } = await followUpReport(deps.audit, { from: q.from, to: q.to, institution }, opts);
    // Whether the summary answered (docs/design.md#qc-summary): counts only.
    requestLogger(res, deps.logger).info({ source, indicated: computed.total.indicated }, 'follow-up report');
    // A pseudonymising reader sees her pseudonym in both lists (docs/design.md#patient-identity).
    const present = await identity(principal);
    const report = {
      ...computed,
      undiagnosed: computed.undiagnosed.map((c) => present.case(c)),
      nipt: computed.nipt.map((c) => present.case(c)),
    };
    res.setHeader('X-Nipt-Total-Count', String(report.nipt.length));
    const csv = q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      const section = q.section ?? 'rows';
      const all = q.limit === undefined && q.offset === undefined;
      const text =
        section === 'rows'
          ? followUpRowsCsv(report.rows, report.total)
          : section === 'undiagnosed'
            ? undiagnosedCsv(all ? report.undiagnosed : page(report.undiagnosed, q))
            : niptCsv(all ? report.nipt : page(report.nipt, q));
      res.setHeader('X-Total-Count', String(section === 'rows' ? report.rows.length : report[section].length));
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="follow-up-${section}-${q.from}-${q.to}.csv"`)
        .send(text);
      return;
    }
    res.setHeader('X-Total-Count', String(report.undiagnosed.length));
    const body: FollowUpReport = { ...report, undiagnosed: page(report.undiagnosed, q), nipt: page(report.nipt, q) };
    res.status(200).json(body);
  };
}

function page<T>(items: readonly T[], q: FollowUpQuery): T[] {
  const offset = q.offset ?? 0;
  return items.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT));
}
