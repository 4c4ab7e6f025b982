import type { RequestHandler } from 'express';
import type { QcAuthenticate } from '../auth/qc-auth.js';
import { scopeInstitution } from '../auth/qc-auth.js';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_LIMIT } from '../qc/compliance-query.js';
import { computeDataQuality, type DataQualityReport } from '../qc/data-quality.js';
import { dataQualityRowsCsv, itemsCsv } from '../qc/data-quality-csv.js';
import { parseDataQualityQuery } from '../qc/data-quality-query.js';
import type { AuditStore } from '../store/audit-store.js';
import { readDataQualityPeriod } from '../store/data-quality-period.js';
import type { QcIdentity } from './qc-identity.js';

/**
 * `GET /qc/data-quality?from&to&groupBy=institution|rule` (docs/design.md#data-quality): undecided
 * outcomes and rule errors counted per institution or rule, with the list. QC token scoping as
 * `/qc/notification-compliance` (an institution token reads its own institution only); JSON, or CSV
 * with `format=csv` / `Accept: text/csv` (`section=items`, the default, or `rows`). Never cached.
 */
export function qcDataQualityHandler(
  deps: { readonly audit: AuditStore; readonly config: Pick<Config, 'clinicTimeZone'> },
  authenticate: QcAuthenticate,
  identity: QcIdentity,
): RequestHandler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const principal = authenticate(req.headers.authorization);
    const parsed = parseDataQualityQuery(req.query);
    if (!parsed.ok) throw new AppError('invalid-query', parsed.issues);
    const q = parsed.value;
    const institution = scopeInstitution(principal, q.institution);
    const input = await readDataQualityPeriod(deps.audit, { from: q.from, to: q.to, institution });
    const report = computeDataQuality(input, { from: q.from, to: q.to, groupBy: q.groupBy, timeZone: deps.config.clinicTimeZone });
    // A pseudonymising reader sees her pseudonym, in `patient` and in the evidence (docs/design.md#patient-identity).
    const present = await identity(principal);
    const items = (q.kind ? report.items.filter((i) => i.kind === q.kind) : report.items).map(({ ehr, ...i }) => ({
      ...i,
      patient: present.patient(i.patient, ehr),
      evidence: present.references(i.patient, i.evidence, ehr),
    }));
    res.setHeader('X-Total-Count', String(items.length));
    const offset = q.offset ?? 0;
    const csv = q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      const paged = q.limit === undefined && q.offset === undefined ? items : items.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT));
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="data-quality-${q.section ?? 'items'}-${q.from}-${q.to}.csv"`)
        .send(q.section === 'rows' ? dataQualityRowsCsv(report.rows, report.total) : itemsCsv(paged));
      return;
    }
    const body: DataQualityReport = { ...report, items: items.slice(offset, offset + (q.limit ?? DEFAULT_LIMIT)) };
    res.status(200).json(body);
  };
}
