import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { storeOpenProblem } from '../config/startup-problem.js';
import { ART25_NOTICE_RULE_IDS } from '../engine/rule-ids.js';
import { computeFollowUp } from '../qc/follow-up.js';
import { FOLLOW_UP_ROW_COLUMNS, followUpRowsCsv, niptCsv, undiagnosedCsv } from '../qc/follow-up-csv.js';
import { parseFollowUpQuery } from '../qc/follow-up-query.js';
import { identityPresenter } from '../qc/patient-identity.js';
import type { FollowUpReport } from '../qc/follow-up-types.js';
import { createStore } from '../store/create-store.js';
import { readFollowUpPeriod } from '../store/follow-up-period.js';
import { errorText, EXIT, type CliIo } from './io.js';

export const FOLLOW_UP_USAGE =
  'usage: prenatal-cds follow-up --from YYYY-MM-DD --to YYYY-MM-DD [--group-by institution|month]\n' +
  '                              [--format table|csv|json] [--section rows|undiagnosed|nipt] [--institution ID]\n';

const FORMATS = ['table', 'csv', 'json'];
const SECTIONS = ['rows', 'undiagnosed', 'nipt'];

/**
 * `follow-up`: the follow-up funnel (docs/design.md#follow-up) from the audit store, computed by the
 * same pure function as `GET /qc/follow-up`. JSON is the API body (whole lists); CSV one section
 * (`rows`, the default, `undiagnosed` or `nipt`); the table shows the rows and the undiagnosed list.
 */
export async function followUpCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
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
    io.stderr(`${errorText(e)}\n${FOLLOW_UP_USAGE}`);
    return EXIT.usage;
  }
  const q = parseFollowUpQuery({
    from: values.from,
    to: values.to,
    ...(values['group-by'] !== undefined ? { groupBy: values['group-by'] } : {}),
    ...(values.institution !== undefined ? { institution: values.institution } : {}),
  });
  const bad = [
    !FORMATS.includes(values.format) && '--format: expected table, csv or json',
    !SECTIONS.includes(values.section) && '--section: expected rows, undiagnosed or nipt',
  ].filter((b): b is string => typeof b === 'string');
  if (!q.ok || bad.length > 0) {
    const issues = q.ok ? [] : q.issues.map((i) => `--${String(i.path ?? '').replace('groupBy', 'group-by')}: ${i.message}`);
    io.stderr(`${[...issues, ...bad].join('\n')}\n${FOLLOW_UP_USAGE}`);
    return EXIT.usage;
  }
  let store;
  try {
    store = await createStore(config);
  } catch (e) {
    io.stderr(`follow-up: ${storeOpenProblem(config, e)}\n`);
    return EXIT.failed;
  }
  try {
    const { from, to, groupBy, institution } = q.value;
    const today = systemClock(config.clinicTimeZone).now().today;
    const input = await readFollowUpPeriod(store.audit, { from, to, institution }, today);
    const report = computeFollowUp(input, {
      from,
      to,
      groupBy,
      timeZone: config.clinicTimeZone,
      today,
      deadlineDays: config.noticeDeadlineDays,
      referralRules: ART25_NOTICE_RULE_IDS,
      pregnancyToleranceDays: config.policy.PREGNANCY_EDD_TOLERANCE_DAYS,
      diagnosisDays: config.policy.FOLLOW_UP_DIAGNOSIS_DAYS,
    });
    // Full access, as the API's identified reader: ids as stored (docs/design.md#patient-identity).
    const present = identityPresenter({ role: 'province', seesMrn: true });
    const body = { ...report, undiagnosed: report.undiagnosed.map((c) => present.case(c)), nipt: report.nipt.map((c) => present.case(c)) };
    if (values.format === 'json') io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    else if (values.format === 'csv')
      io.stdout(
        values.section === 'undiagnosed'
          ? undiagnosedCsv(report.undiagnosed)
          : values.section === 'nipt'
            ? niptCsv(report.nipt)
            : followUpRowsCsv(report.rows, report.total),
      );
    else io.stdout(followUpTable(report));
    return EXIT.ok;
  } catch (e) {
    io.stderr(`follow-up: ${errorText(e)}\n`);
    return EXIT.failed;
  } finally {
    await store.close();
  }
}

/** The rows (with the total) and the undiagnosed list as aligned plain text. */
export function followUpTable(r: FollowUpReport): string {
  const rows = [
    [...FOLLOW_UP_ROW_COLUMNS],
    ...[...r.rows, { key: 'total', ...r.total }].map((x) => FOLLOW_UP_ROW_COLUMNS.map((k) => String(x[k]))),
  ];
  const list = r.undiagnosed.map((u) => [
    u.patient,
    u.institution ?? '—',
    u.reason,
    u.diagnosisDueBy,
    String(u.overdueDays),
    u.stage ?? '—',
  ]);
  const head = `follow-up ${r.from} .. ${r.to} by ${r.groupBy} (today ${r.today})\n`;
  const undiagnosed = list.length
    ? `\nundiagnosed (most urgent first):\n${aligned([['patient', 'institution', 'reason', 'dueBy', 'overdueDays', 'stage'], ...list])}`
    : '\nundiagnosed: none\n';
  return `${head}${aligned(rows)}${undiagnosed}nipt: ${r.nipt.length} (high-risk undiagnosed ${r.nipt.filter((n) => n.kind === 'high-risk-undiagnosed').length}, no outcome ${r.nipt.filter((n) => n.kind === 'no-outcome').length})\n`;
}

function aligned(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
