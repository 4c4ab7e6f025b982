import type { RequestHandler } from 'express';
import { scopeInstitution, type QcAuthenticate } from '../auth/qc-auth.js';
import { AppError } from '../errors/app-error.js';
import type { RegistryContents, RegistryStore } from '../orders/credential-records.js';
import type { Clock } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { registryReport } from '../registry/report.js';
import { reportCsv } from '../registry/report-format.js';

/**
 * An institution's view of the registry: its own licences and its practitioners' certificates — of a
 * practitioner it shares with another institution, only the certificates listed under itself or
 * under no institution, never the other institution's.
 */
function scoped(all: RegistryContents, institutionId: string | undefined): RegistryContents {
  if (institutionId === undefined) return all;
  return {
    practitioners: all.practitioners
      .filter((p) => p.organizationIds.includes(institutionId))
      .map((p) => ({
        ...p,
        certificates: p.certificates.filter((c) => c.organizationId === undefined || c.organizationId === institutionId),
      })),
    organizations: all.organizations.filter((o) => o.organizationId === institutionId),
  };
}

/**
 * `GET /qc/registry` (docs/design.md#qc; ZJ-2023 Art.13, 15, 19): certificates and licences that are
 * expired, expire within EXPIRING_WITHIN_DAYS, or are overdue for training or verification — so QC
 * can act before an order is blocked. QC token; an institution token sees only its institution.
 * JSON, or CSV with `format=csv` / `Accept: text/csv`.
 */
export function qcRegistryHandler(
  deps: { registry: RegistryStore; clock: Clock; policy: Policy },
  authenticate: QcAuthenticate,
): RequestHandler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const principal = authenticate(req.headers.authorization);
    const requested = req.query.institution;
    if (requested !== undefined && typeof requested !== 'string')
      throw new AppError('invalid-query', [{ path: 'institution', message: 'one institution id' }]);
    const format = req.query.format;
    if (format !== undefined && format !== 'json' && format !== 'csv')
      throw new AppError('invalid-query', [{ path: 'format', message: 'json or csv' }]);
    const institutionId = scopeInstitution(principal, requested);
    const report = registryReport(scoped(await deps.registry.list(), institutionId), deps.clock.now(), deps.policy);
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="registry-${report.today}.csv"`)
        .send(reportCsv(report));
      return;
    }
    res.status(200).json(report);
  };
}
