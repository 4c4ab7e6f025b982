import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { ServiceId } from '../../../src/engine/rule.js';
import type { ServiceDefinition } from '../../../src/cds-hooks/wire.js';

/** Builds a ServiceDefinition from `cds-hooks/services/<id>.json` (the loader is not ours to use here). */
export function definitionOf(id: ServiceId): ServiceDefinition {
  const file = fileURLToPath(new URL(`../../../cds-hooks/services/${id}.json`, import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    id: ServiceId;
    hook: string;
    title: string;
    description: string;
    prefetch: Record<string, string>;
    extension?: Record<string, unknown>;
  };
  const required = json.extension?.['org.prenatal-cds.requiredPrefetch'];
  return {
    id: json.id,
    hook: json.hook,
    title: json.title,
    description: json.description,
    prefetch: json.prefetch,
    requiredPrefetch: Array.isArray(required) ? (required as string[]) : [],
  };
}

/** A definition with just these templates and required keys (for focused tests). */
export function definitionWith(prefetch: Record<string, string>, requiredPrefetch: string[]): ServiceDefinition {
  return { ...definitionOf('prenatal-diagnosis-referral'), prefetch, requiredPrefetch };
}

/** A pino logger writing into an array of lines, to assert what is (not) logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        lines.push(line);
      },
    },
  );
  return { logger, lines };
}
