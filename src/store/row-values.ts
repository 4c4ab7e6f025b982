import { createHash } from 'node:crypto';

/**
 * Small value conversions shared by the store's queries, so PGlite and pg rows read the same:
 * timestamps (Date from both drivers, or text) become ISO 8601 UTC strings, SQL NULL becomes an
 * absent property, JSON goes in as text.
 */

/** An instant from a row (`Date` or text) as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return new Date(v).toISOString();
  throw new TypeError(`not a timestamp: ${String(v)}`);
}

/** Drops properties whose value is `null` or `undefined` (SQL NULL ⇒ absent optional field). */
export function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
}

/** A JSON parameter (bound as text, cast with `::jsonb` in the statement). */
export function json(v: unknown): string {
  return JSON.stringify(v ?? null);
}

/** SHA-256 hex of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
