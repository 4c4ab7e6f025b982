#!/usr/bin/env node
import { runCli } from './run-cli.js';

/**
 * Entry point of the `prenatal-cds` command (package.json `bin`): real environment, stdout, stderr.
 * Output is written before the exit code is set, so a piped report is never cut short.
 */
// `prenatal-cds … | head`: a closed pipe ends the run quietly instead of crashing.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`prenatal-cds: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
