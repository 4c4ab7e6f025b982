import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { storeOpenProblem } from '../config/startup-problem.js';
import type { IssueDetail } from '../errors/app-error.js';
import type { AuditStore } from '../store/audit-store.js';
import { createStore } from '../store/create-store.js';
import { errorText, EXIT, type CliIo } from './io.js';

/** The period every QC report command takes (`--from`, `--to`, `--group-by`, `--institution`), as its API query parses it. */
interface PeriodQuery {
  readonly from: string;
  readonly to: string;
  readonly institution?: string | undefined;
}

/** A QC report command: its name, usage, CSV sections (the first is the default) and its API query parser. */
export interface PeriodReportCommand<Q extends PeriodQuery> {
  readonly name: string;
  readonly usage: string;
  readonly sections: readonly [string, ...string[]];
  readonly parse: (query: unknown) => { ok: true; value: Q } | { ok: false; issues: IssueDetail[] };
  /** The report as text in the chosen format and section, read from the audit store for the clinic's `today`. */
  readonly render: (q: Q, out: { format: 'table' | 'csv' | 'json'; section: string }, audit: AuditStore, today: string) => Promise<string>;
}

const FORMATS = ['table', 'csv', 'json'] as const;

/**
 * Runs a QC report command (`compliance`, `follow-up`; docs/design.md#cli-output): the options,
 * checked as the API checks its query (usage errors name the option), the store opened with the
 * start-up wording of its problems, the report rendered, the store closed.
 */
export async function runPeriodReport<Q extends PeriodQuery>(
  cmd: PeriodReportCommand<Q>,
  argv: readonly string[],
  io: CliIo,
  config: Config,
): Promise<number> {
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
        section: { type: 'string', default: cmd.sections[0] },
        institution: { type: 'string' },
      },
    }));
  } catch (e) {
    io.stderr(`${errorText(e)}\n${cmd.usage}`);
    return EXIT.usage;
  }
  const q = cmd.parse({
    from: values.from,
    to: values.to,
    ...(values['group-by'] !== undefined ? { groupBy: values['group-by'] } : {}),
    ...(values.institution !== undefined ? { institution: values.institution } : {}),
  });
  const format = FORMATS.find((f) => f === values.format);
  const bad = [
    format === undefined && '--format: expected table, csv or json',
    !cmd.sections.includes(values.section) && `--section: expected ${orList(cmd.sections)}`,
  ].filter((b): b is string => typeof b === 'string');
  if (!q.ok || format === undefined || bad.length > 0) {
    const issues = q.ok ? [] : q.issues.map((i) => `--${String(i.path ?? '').replace('groupBy', 'group-by')}: ${i.message}`);
    io.stderr(`${[...issues, ...bad].join('\n')}\n${cmd.usage}`);
    return EXIT.usage;
  }
  let store;
  try {
    store = await createStore(config);
  } catch (e) {
    io.stderr(`${cmd.name}: ${storeOpenProblem(config, e)}\n`);
    return EXIT.failed;
  }
  try {
    const today = systemClock(config.clinicTimeZone).now().today;
    io.stdout(await cmd.render(q.value, { format, section: values.section }, store.audit, today));
    return EXIT.ok;
  } catch (e) {
    io.stderr(`${cmd.name}: ${errorText(e)}\n`);
    return EXIT.failed;
  } finally {
    await store.close();
  }
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
