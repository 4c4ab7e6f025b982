import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { pathProblem } from '../cli/path-problem.js';
import { parseRegistryBundle } from './import-bundle.js';
import { parseRegistryCsv } from './import-csv.js';
import { applyImport, type ImportReport, type ParsedImport } from './import-result.js';
import type { RegistryStore } from './registry-store.js';
import { registryReport } from './report.js';
import { reportCsv, reportTable } from './report-format.js';

/**
 * `registry` command line (ZJ-2023 Art.6, 39: keep the provincial certificate/licence data current):
 *
 *   import <file.json|file.csv>          FHIR Bundle or CSV (src/registry/CSV.md)
 *   report [--format table|csv|json]     expired / expiring / training- / verification-overdue
 *
 * Everything it touches is injected (store, file reading, output, clock, policy). Exit codes:
 * 0 ok; 1 some rows rejected (the rest were imported) or the file was unusable; 2 usage error.
 */
export interface RegistryCliIo {
  readonly store: RegistryStore;
  readonly readFile: (path: string) => Promise<string>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => ClinicalNow;
  readonly policy: Policy;
}

export const REGISTRY_USAGE = 'usage: registry import <file.json|file.csv>\n       registry report [--format table|csv|json]\n';

function parseFile(path: string, text: string, policy: Policy): ParsedImport | string {
  if (/\.csv$/i.test(path)) return parseRegistryCsv(text, policy.registryIdentifiers);
  if (/\.json$/i.test(path)) {
    try {
      return parseRegistryBundle(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), policy.registryIdentifiers);
    } catch (e) {
      return `invalid JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return 'the file must end in .json (FHIR Bundle) or .csv';
}

function describe(r: ImportReport): string {
  const lines = [
    `accepted ${r.acceptedRows} row(s): ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged; rejected ${r.rejected.length} row(s)`,
    ...r.rejected.map((x) => `  row ${x.row}${x.subject ? ` (${x.subject})` : ''}: ${x.reasons.join('; ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runRegistryCli(argv: readonly string[], io: RegistryCliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import' && rest.length === 1) {
    const path = rest[0]!;
    let text: string;
    try {
      text = await io.readFile(path);
    } catch (e) {
      io.stderr(`registry: ${pathProblem(e, 'file', path)}\n`);
      return 1;
    }
    const parsed = parseFile(path, text, io.policy);
    if (typeof parsed === 'string') {
      io.stderr(`${path}: ${parsed}\n`);
      return 1;
    }
    if (parsed.fileErrors.length > 0) {
      io.stderr(`${path}: nothing imported: ${parsed.fileErrors.join('; ')}\n`);
      return 1;
    }
    const report = await applyImport(io.store, parsed);
    io.stdout(describe(report));
    return report.rejected.length > 0 ? 1 : 0;
  }
  if (command === 'report') {
    let format = 'table';
    if (rest.length === 2 && rest[0] === '--format') format = rest[1]!;
    else if (rest.length === 1 && rest[0]!.startsWith('--format=')) format = rest[0]!.slice('--format='.length);
    else if (rest.length !== 0) format = '';
    if (!['table', 'csv', 'json'].includes(format)) {
      io.stderr(REGISTRY_USAGE);
      return 2;
    }
    const report = registryReport(await io.store.list(), io.now(), io.policy);
    io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? reportCsv(report) : reportTable(report));
    return 0;
  }
  io.stderr(REGISTRY_USAGE);
  return 2;
}
