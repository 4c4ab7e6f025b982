import { parseArgs } from 'node:util';
import { BULK_AUDIT_SECTIONS, formatBulkAudit, type BulkAuditFormat, type BulkAuditSection } from '../bulk/audit-format.js';
import { DEFAULT_BUCKET_BYTES, runBulkAudit } from '../bulk/io-run.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { toDayNumber } from '../calendar/index.js';
import { asOfDay } from './as-of.js';
import { errorText, EXIT, type CliIo } from './io.js';
import { directoryProblem } from './path-problem.js';
import { progressReporter } from './progress.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const BULK_AUDIT_USAGE =
  'usage: prenatal-cds bulk-audit <export-dir> [--format table|csv|json] [--section missing|rows|undiagnosed|nipt] [--as-of YYYY-MM-DD]\n' +
  '                               [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by institution|month] [--progress] [--bucket-mb N]\n';

/**
 * `bulk-audit`: the Art. 24 rules run retrospectively over a FHIR Bulk Data export (a directory of
 * NDJSON files), reporting indicated pregnancies with no Art. 25 notice Communication, and the
 * follow-up funnel (docs/design.md#follow-up; `--from`/`--to` the period of the indications, by
 * default the whole export up to the as-of day; CSV `--section`). Streams the
 * export through temp bucket files in os.tmpdir() (removed at the end), so memory stays bounded.
 */
export async function bulkAuditCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'table' },
        'as-of': { type: 'string' },
        progress: { type: 'boolean', default: false },
        'bucket-mb': { type: 'string' },
        section: { type: 'string', default: 'missing' },
        from: { type: 'string' },
        to: { type: 'string' },
        'group-by': { type: 'string', default: 'institution' },
      },
    });
  } catch (e) {
    io.stderr(`${errorText(e)}\n${BULK_AUDIT_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const format = values.format as BulkAuditFormat;
  const bucketMb = values['bucket-mb'] === undefined ? undefined : Number(values['bucket-mb']);
  const section = values.section as BulkAuditSection;
  const groupBy = values['group-by'];
  if (
    positionals.length !== 1 ||
    !['table', 'csv', 'json'].includes(format) ||
    !(BULK_AUDIT_SECTIONS as readonly string[]).includes(section) ||
    (groupBy !== 'institution' && groupBy !== 'month') ||
    (bucketMb !== undefined && !(bucketMb > 0))
  ) {
    io.stderr(BULK_AUDIT_USAGE);
    return EXIT.usage;
  }
  const period = { from: values.from, to: values.to };
  const badDay = Object.entries(period).find(([, v]) => v !== undefined && (!DAY.test(v) || toDayNumber(v) === undefined));
  if (badDay || (period.from !== undefined && period.to !== undefined && period.from > period.to)) {
    io.stderr(`--${badDay?.[0] ?? 'from'}: expected a calendar date YYYY-MM-DD, --from not after --to\n${BULK_AUDIT_USAGE}`);
    return EXIT.usage;
  }
  const tz = config.clinicTimeZone;
  const now = values['as-of'] === undefined ? systemClock(tz).now() : asOfDay(values['as-of'], tz);
  if (!now) {
    io.stderr(`--as-of: expected a calendar date YYYY-MM-DD\n${BULK_AUDIT_USAGE}`);
    return EXIT.usage;
  }
  const dir = positionals[0]!;
  const missing = await directoryProblem('export directory', dir);
  if (missing) {
    io.stderr(`bulk-audit: ${missing}\n`);
    return EXIT.failed;
  }
  const progress = values.progress || io.stderrIsTty ? progressReporter(io.stderr) : undefined;
  try {
    const report = await runBulkAudit({
      dir,
      policy: config.policy,
      now,
      deadlineDays: config.noticeDeadlineDays,
      ...(config.mrnSystem ? { mrnSystem: config.mrnSystem } : {}),
      bucketBytes: bucketMb === undefined ? DEFAULT_BUCKET_BYTES : Math.round(bucketMb * 2 ** 20),
      followUp: { groupBy, ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) },
      ...(progress ? { onProgress: progress } : {}),
    });
    io.stdout(formatBulkAudit(report, format, section));
    if (report.totals.malformedLines > 0) io.stderr(`bulk-audit: ${report.totals.malformedLines} malformed line(s) skipped\n`);
    return EXIT.ok;
  } catch (e) {
    io.stderr(`bulk-audit: ${errorText(e)}\n`);
    return EXIT.failed;
  }
}
