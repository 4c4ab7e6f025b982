import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/deploy.md read as test/release/deploy-walk.test.ts follows it: its sections by anchor, its
 * fenced blocks by language, and the configuration files it shows — a block whose info string names
 * the file (```ini /etc/prenatal-cds/env) — as written there.
 */
const DOC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The fenced block whose info string names `path` (```ini /etc/prenatal-cds/env). */
export function fileBlock(path: string): string {
  const m = new RegExp('```\\w+ ' + path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '\\n([\\s\\S]*?)```').exec(DOC);
  if (!m) throw new Error(`docs/deploy.md has no block for ${path}`);
  return m[1]!;
}

/** The section of docs/deploy.md under `<a id="anchor">`, up to the next anchor. */
export function section(anchor: string): string {
  const start = DOC.indexOf(`<a id="${anchor}"></a>`);
  if (start < 0) throw new Error(`docs/deploy.md has no anchor ${anchor}`);
  const end = DOC.indexOf('<a id="', start + 10);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of one language (no file named) in `text`. */
export function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** systemd EnvironmentFile syntax: KEY=value lines, `#` comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}
