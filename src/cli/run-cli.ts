import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { BULK_AUDIT_USAGE, bulkAuditCommand } from './bulk-audit-command.js';
import { COMPLIANCE_USAGE, complianceCommand } from './compliance-command.js';
import { FOLLOW_UP_USAGE, followUpCommand } from './follow-up-command.js';
import { EXIT, type CliIo } from './io.js';
import { NOTICE_HASH_USAGE, noticeHashCommand } from './notice-hash-command.js';
import { registryCommand } from './registry-command.js';

const REGISTRY_USAGE =
  'usage: prenatal-cds registry import <file.json|file.csv>\n       prenatal-cds registry report [--format table|csv|json]\n';

export const USAGE = `prenatal-cds — command line of the prenatal-diagnosis CDS service (configuration from the environment)\n\n${COMPLIANCE_USAGE}${FOLLOW_UP_USAGE}${REGISTRY_USAGE}${BULK_AUDIT_USAGE}${NOTICE_HASH_USAGE}`;

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo, config: Config) => Promise<number>> = {
  compliance: complianceCommand,
  'follow-up': followUpCommand,
  registry: registryCommand,
  'bulk-audit': bulkAuditCommand,
  'notice-hash': noticeHashCommand,
};

/**
 * Dispatches `prenatal-cds <command> …`. Configuration is read once from `io.env` (as the service
 * does); a configuration error names the variable and exits 1; an unknown command exits 2.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.stderr(`unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr(e.problems.map((p) => `prenatal-cds: configuration error: ${p}\n`).join(''));
    return EXIT.failed;
  }
  return run(rest, io, config);
}
