import { parseArgs } from 'node:util';
import { ART25_NOTICE_RULE_IDS } from '../engine/rule-ids.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { computeCompliance } from '../qc/compliance.js';
import { parseComplianceQuery } from '../qc/compliance-query.js';
import { casesCsv, rowsCsv } from '../qc/csv.js';
import { identityPresenter } from '../qc/patient-identity.js';
import { createStore } from '../store/create-store.js';
import { complianceTable } from './compliance-format.js';
import { readCompliancePeriod } from '../store/compliance-period.js';
import { errorText, EXIT, type CliIo } from './io.js';
import { storeOpenProblem } from '../config/startup-problem.js';

export const COMPLIANCE_USAGE =
  'usage: prenatal-cds compliance --from YYYY-MM-DD --to YYYY-MM-DD [--group-by institution|practitioner|rule|month]\n' +
  '                               [--format table|csv|json] [--section rows|cases] [--institution ID]\n';

/**
 * `compliance`: the notification-compliance report (docs/design.md#qc) from the audit store,
 * computed by the same pure function as `GET /qc/notification-compliance`. JSON is the API body
 * (all cases); CSV is the grouped rows (`--section rows`, default) or the case list (`--section cases`).
 */
export async function complianceCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'group-by': { type: 'string' },
        format: { type: 'string', default: 'table' },
        section: { type: 'string', default: 'rows' },
        institution: { type: 'string' },
      },
    }));
  } catch (e) {
    io.stderr(`${errorText(e)}\n${COMPLIANCE_USAGE}`);
    return EXIT.usage;
  }
  const q = parseComplianceQuery({
    from: values.from,
    to: values.to,
    ...(values['group-by'] !== undefined ? { groupBy: values['group-by'] } : {}),
    ...(values.institution !== undefined ? { institution: values.institution } : {}),
  });
  const bad = [
    !['table', 'csv', 'json'].includes(values.format) && '--format: expected table, csv or json',
    !['rows', 'cases'].includes(values.section) && '--section: expected rows or cases',
  ];
  if (!q.ok || bad.some(Boolean)) {
    const issues = q.ok ? [] : q.issues.map((i) => `--${String(i.path ?? '').replace('groupBy', 'group-by')}: ${i.message}`);
    io.stderr(`${[...issues, ...bad.filter((b): b is string => typeof b === 'string')].join('\n')}\n${COMPLIANCE_USAGE}`);
    return EXIT.usage;
  }
  let store;
  try {
    store = await createStore(config);
  } catch (e) {
    io.stderr(`compliance: ${storeOpenProblem(config, e)}\n`);
    return EXIT.failed;
  }
  try {
    const { from, to, groupBy, institution } = q.value;
    const today = systemClock(config.clinicTimeZone).now().today;
    const input = await readCompliancePeriod(store.audit, { from, to, institution }, today);
    const report = computeCompliance(input, {
      from,
      to,
      groupBy,
      timeZone: config.clinicTimeZone,
      deadlineDays: config.noticeDeadlineDays,
      today,
      referralRules: ART25_NOTICE_RULE_IDS,
      pregnancyToleranceDays: config.policy.PREGNANCY_EDD_TOLERANCE_DAYS,
    });
    // Full access, as the API's identified reader: ids as stored (docs/design.md#patient-identity).
    const present = identityPresenter({ role: 'province', seesMrn: true });
    if (values.format === 'json') io.stdout(`${JSON.stringify({ ...report, cases: report.cases.map((c) => present.case(c)) }, null, 2)}\n`);
    else if (values.format === 'csv') io.stdout(values.section === 'cases' ? casesCsv(report.cases) : rowsCsv(report.rows, report.total));
    else io.stdout(complianceTable(report));
    return EXIT.ok;
  } catch (e) {
    io.stderr(`compliance: ${errorText(e)}\n`);
    return EXIT.failed;
  } finally {
    await store.close();
  }
}
