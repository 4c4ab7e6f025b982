import type { Config } from '../config/schema.js';
import { configuredReportSettings } from '../qc/report-settings.js';
import { followUpRowsCsv, niptCsv, undiagnosedCsv } from '../qc/follow-up-csv.js';
import { followUpTable } from '../qc/follow-up-table.js';
import { parseFollowUpQuery } from '../qc/follow-up-query.js';
import { identityPresenter } from '../qc/patient-identity.js';
import { followUpReport } from '../store/follow-up-report.js';
import type { CliIo } from './io.js';
import { runPeriodReport } from './period-report.js';

export const FOLLOW_UP_USAGE =
  'usage: prenatal-cds follow-up --from YYYY-MM-DD --to YYYY-MM-DD [--group-by institution|month]\n' +
  '                              [--format table|csv|json] [--section rows|undiagnosed|nipt] [--institution ID]\n';

/**
 * `follow-up`: the follow-up funnel (docs/design.md#follow-up) from the audit store, computed by the
 * same pure function as `GET /qc/follow-up`. JSON is the API body (whole lists); CSV one section
 * (`rows`, the default, `undiagnosed` or `nipt`); the table shows the rows and the undiagnosed list.
 */
export function followUpCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
  return runPeriodReport(
    {
      name: 'follow-up',
      usage: FOLLOW_UP_USAGE,
      sections: ['rows', 'undiagnosed', 'nipt'],
      parse: parseFollowUpQuery,
      render: async ({ from, to, groupBy, institution }, out, audit, today) => {
        const { report } = await followUpReport(
          audit,
          { from, to, institution },
          { from, to, groupBy, ...configuredReportSettings(config, today) },
        );
        // Full access, as the API's identified reader: ids as stored (docs/design.md#patient-identity).
        const present = identityPresenter({ role: 'province', seesMrn: true });
        if (out.format === 'json') {
          const body = {
            ...report,
            undiagnosed: report.undiagnosed.map((c) => present.case(c)),
            nipt: report.nipt.map((c) => present.case(c)),
          };
          return `${JSON.stringify(body, null, 2)}\n`;
        }
        if (out.format === 'table') return followUpTable(report);
        if (out.section === 'undiagnosed') return undiagnosedCsv(report.undiagnosed);
        return out.section === 'nipt' ? niptCsv(report.nipt) : followUpRowsCsv(report.rows, report.total);
      },
    },
    argv,
    io,
    config,
  );
}
