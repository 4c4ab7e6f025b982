import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Resource } from '@medplum/fhirtypes';

/** A non-blank line of an NDJSON file, parsed, or why it could not be. */
export type ParsedLine =
  | { readonly ok: true; readonly line: number; readonly text: string; readonly resource: Resource }
  | { readonly ok: false; readonly line: number; readonly reason: string };

/** Streams the non-blank lines of an NDJSON file (UTF-8, LF or CRLF, BOM tolerated), one at a time. */
export async function* readNdjson(path: string): AsyncGenerator<ParsedLine> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      const text = (line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).trim();
      if (text === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        yield { ok: false, line, reason: `invalid JSON (${e instanceof Error ? e.message : String(e)})`.slice(0, 200) };
        continue;
      }
      if (
        !value ||
        typeof value !== 'object' ||
        Array.isArray(value) ||
        typeof (value as { resourceType?: unknown }).resourceType !== 'string'
      ) {
        yield { ok: false, line, reason: 'not a FHIR resource (no resourceType)' };
        continue;
      }
      yield { ok: true, line, text, resource: value as Resource };
    }
  } finally {
    rl.close();
  }
}
