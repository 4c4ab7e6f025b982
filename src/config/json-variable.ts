import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { findJsonSyntaxProblem, jsoncToJson } from './json-text.js';

/**
 * JSON-valued variables (`POLICY_FILE`, `TRUSTED_ISSUERS`, `QC_TOKENS`; docs/policy.md#loading):
 *
 * - a value whose first non-blank character is `{` or `[` is the JSON itself;
 * - anything else is the path of a file holding it, with or without a leading `@`
 *   (`@/etc/prenatal-cds/policy.json` and `/etc/prenatal-cds/policy.json` are the same);
 * - a file ending in `.jsonc` may hold `//` and `/* *\/` comments and trailing commas; a leading UTF-8
 *   BOM is ignored.
 *
 * Every failure names the variable and the file, a syntax error its line and column, a schema
 * violation each field path with the rule broken, one line per problem. Nothing of the value is
 * quoted, so a secret in it (a QC token, a private JWK) never reaches a log.
 */
type Env = Readonly<Record<string, string | undefined>>;

export interface JsonVariableOptions {
  /** The value's top-level keys are secrets (QC tokens): a problem names the n-th key, never the key. */
  readonly secretKeys?: boolean;
  /** Top-level keys ignored (`$schema`, which editors read to offer completion). */
  readonly ignoreKeys?: readonly string[];
}

interface JsonSource {
  readonly value: unknown;
  /** The file it was read from; undefined for JSON in the variable. */
  readonly file: string | undefined;
}

/** Most problems listed for one variable; the rest are counted. */
const MAX_PROBLEMS = 10;

/** The file named by a variable's value, or `undefined` when the value is the JSON itself. */
export function jsonVariablePath(raw: string): string | undefined {
  const v = raw.trim();
  if (v.startsWith('{') || v.startsWith('[')) return undefined;
  return v.startsWith('@') ? v.slice(1).trim() : v;
}

function readSource(name: string, raw: string, opts: JsonVariableOptions): JsonSource {
  const file = jsonVariablePath(raw);
  if (file === undefined) return { value: parseText(name, raw, undefined), file };
  // A secret variable whose value is neither JSON nor path-like may be a bare secret: not quoted.
  const shown = opts.secretKeys && !/[/\\.]/.test(file) ? 'the value' : `file ${file}`;
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new ConfigError(name, `${shown} is a directory, not a JSON file`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ConfigError(
        name,
        shown === 'the value' ? 'is neither JSON (starting with { or [) nor the path of an existing file' : `${shown} not found`,
      );
    throw new ConfigError(name, `${shown} cannot be read (${code})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { value: parseText(name, /\.jsonc$/i.test(file) ? jsoncToJson(text) : text, file), file };
}

function parseText(name: string, text: string, file: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text: never shown (see above).
    const where = file === undefined ? '' : `${file}: `;
    const p = findJsonSyntaxProblem(text);
    throw new ConfigError(
      name,
      p ? `${where}invalid JSON at line ${p.line}, column ${p.column}: expected ${p.expected}` : `${where}invalid JSON`,
    );
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `AMA_AGE_YEARS`, `PROCEDURE_WINDOWS.cvs.fromDays`, `[0].jwksUrl`, `localCodes["fetal-anomaly"][0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || '(root)';
}

interface Flat {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Issues with the nested issues of a record key flattened to the key's path. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Flat[] {
  return issues.flatMap((i): Flat[] => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_key') return flatten(i.issues, path).map((f) => ({ ...f, message: `key: ${f.message}` }));
    return [{ path, message: i.message }];
  });
}

/** Where a problem is; a secret top-level key is named by its position (`token #2.role`), never quoted. */
function where(path: readonly PropertyKey[], value: unknown, secretKeys: boolean | undefined): string {
  if (!secretKeys || path.length === 0 || typeof value !== 'object' || value === null) return fieldPath(path);
  const n = Object.keys(value).indexOf(String(path[0])) + 1;
  const rest = path.length > 1 ? fieldPath(path.slice(1)) : '';
  return `token #${n || '?'}${rest && !rest.startsWith('[') ? '.' : ''}${rest}`;
}

/** The problems of a value that failed its schema: one line per issue, `[file ]at path: rule broken`. */
export function schemaProblems(
  issues: readonly z.core.$ZodIssue[],
  value: unknown,
  file: string | undefined,
  opts: JsonVariableOptions = {},
): string[] {
  const lines = flatten(issues).map((f) => {
    return `${file === undefined ? '' : `${file} `}at ${where(f.path, value, opts.secretKeys)}: ${f.message}`;
  });
  if (lines.length <= MAX_PROBLEMS) return lines;
  return [...lines.slice(0, MAX_PROBLEMS), `… and ${lines.length - MAX_PROBLEMS} more problem(s)`];
}

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (keys.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

/**
 * Reads, parses and validates a JSON-valued variable; `whenUnset` (validated too) when it is unset
 * or blank. Throws ConfigError with one line per problem.
 */
export function jsonVariable<T>(env: Env, name: string, schema: z.ZodType<T>, whenUnset: unknown, opts: JsonVariableOptions = {}): T {
  const raw = env[name];
  const source = raw === undefined || raw.trim() === '' ? { value: whenUnset, file: undefined } : readSource(name, raw, opts);
  const r = schema.safeParse(withoutKeys(source.value, opts.ignoreKeys ?? []));
  if (!r.success) throw new ConfigError(name, schemaProblems(r.error.issues, source.value, source.file, opts));
  return r.data;
}
