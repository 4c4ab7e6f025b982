import { redactUrl, urlPassword } from './redact.js';

/**
 * The one line printed when the store cannot be opened at start (docs/policy.md#startup-errors),
 * naming the variable that decides it: `DATABASE_URL` (the URL with its password as `***`) or
 * `DATA_DIR`. The reason is the system error code of the cause (`ECONNREFUSED`, `EACCES`), read
 * from the error's `code` along its `cause` chain, never from its message text; without one, the
 * driver's message with the password blanked.
 */
export interface StoreLocation {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/** Codes meaning the server could not be reached or refused us (errno, or a SQLSTATE of class 08, 28 or 3D). */
const UNREACHABLE = /^(E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|TIMEDOUT|AI_AGAIN|ADDRNOTAVAIL)|ENOTFOUND|08...|28...|3D...)$/;
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST']);
const ERRNO = /^E[A-Z0-9_]+$/;

interface Cause {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/** The errors along a cause chain, outermost first, skipping our own wrappers (`AppError`). */
function causes(err: unknown): Cause[] {
  const out: Cause[] = [];
  for (let e = err, n = 0; typeof e === 'object' && e !== null && n < 8; e = (e as Cause).cause, n++) {
    if ((e as Cause).name !== 'AppError') out.push(e as Cause);
  }
  return out;
}

function reason(err: unknown, secret: string | undefined): { code: string | undefined; text: string } {
  const chain = causes(err);
  const coded = chain.find((c) => typeof c.code === 'string' && (ERRNO.test(c.code) || UNREACHABLE.test(c.code)));
  const code = coded ? String(coded.code) : undefined;
  if (code && ERRNO.test(code)) return { code, text: code };
  const first = coded ?? chain[0];
  let message = typeof first?.message === 'string' && first.message ? first.message : 'unknown error';
  if (secret) message = message.split(secret).join('***');
  return { code, text: code ? `${code} ${message}` : message };
}

/** One line, `VARIABLE: what failed (why)`, for an error opening the store at start. */
export function storeOpenProblem(where: StoreLocation, err: unknown): string {
  if (where.databaseUrl) {
    const { code, text } = reason(err, urlPassword(where.databaseUrl));
    const what = code && UNREACHABLE.test(code) ? 'cannot connect to' : 'cannot open the store at';
    return `DATABASE_URL: ${what} ${redactUrl(where.databaseUrl)} (${text})`;
  }
  // Another process holds the data directory: its own message names it and says what to do (docs/design.md#data-dir-lock).
  const inUse = causes(err).find((c) => c.name === 'DataDirInUseError');
  if (typeof inUse?.message === 'string') return `DATA_DIR: ${inUse.message}`;
  const { code, text } = reason(err, undefined);
  if (code && NOT_WRITABLE.has(code)) return `DATA_DIR: ${where.dataDir} is not writable (${code})`;
  return `DATA_DIR: cannot open the store in ${where.dataDir} (${text})`;
}
