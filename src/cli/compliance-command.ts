import { configuredReportSettings } from '../qc/report-settings.js';
import type { Config } from '../config/schema.js';
import { parseComplianceQuery } from '../qc/compliance-query.js';
import { casesCsv, rowsCsv } from '../qc/csv.js';
import { identityPresenter } from '../qc/patient-identity.js';
import { complianceTable } from './compliance-format.js';
import { complianceReport } from '../store/compliance-report.js';
import type { CliIo } from './io.js';
import { runPeriodReport } from './period-report.js';

export const COMPLIANCE_USAGE =
  'usage: prenatal-cds compliance --from YYYY-MM-DD --to YYYY-MM-DD [--group-by institution|practitioner|rule|month]\n' +
  '                               [--format table|csv|json] [--section rows|cases] [--institution ID]\n';

/**
 * `compliance`: the notification-compliance report (docs/design.md#qc) from the audit store,
 * computed by the same pure function as `GET /qc/notification-compliance`. JSON is the API body
 * (all cases); CSV is the grouped rows (`--section rows`, default) or the case list (`--section cases`).
 */
export function complianceCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
  return runPeriodReport(
    {
      name: 'compliance',
      usage: COMPLIANCE_USAGE,
      sections: ['rows', 'cases'],
      parse: parseComplianceQuery,
      render: async ({ from, to, groupBy, institution }, out, audit, today) => {
        const opts = { from, to, groupBy, ...configuredReportSettings(config, today) };
        const { report } = await complianceReport(audit, { from, to, institution }, opts);
        // Full access, as the API's identified reader: ids as stored (docs/design.md#patient-identity).
        const present = identityPresenter({ role: 'province', seesMrn: true });
        if (out.format === 'json') return `${JSON.stringify({ ...report, cases: report.cases.map((c) => present.case(c)) }, null, 2)}\n`;
        if (out.format === 'csv') return out.section === 'cases' ? casesCsv(report.cases) : rowsCsv(report.rows, report.total);
        return complianceTable(report);
      },
    },
    argv,
    io,
    config,
  );
}
