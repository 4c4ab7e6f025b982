import type { RegistryBatch, RegistryStore, UpsertSummary } from './registry-store.js';

/**
 * Result of parsing an import file: the accepted records as one batch, and every rejected row
 * with its number and reasons (Medplum-style: collect every issue, don't stop at the first).
 */
export interface RejectedRow {
  /** CSV: the record number counting the header as row 1 (as a spreadsheet shows it). Bundle: entry index + 1. */
  readonly row: number;
  /** What the row was about, e.g. `Practitioner/p1` or `certificate ZJ-CD-001`. */
  readonly subject?: string;
  readonly reasons: readonly string[];
}

export interface ParsedImport {
  readonly batch: RegistryBatch;
  readonly acceptedRows: number;
  readonly rejected: readonly RejectedRow[];
  /** File-level problems (unreadable JSON, missing header columns): nothing is imported. */
  readonly fileErrors: readonly string[];
}

export interface ImportReport extends UpsertSummary {
  readonly acceptedRows: number;
  readonly rejected: readonly RejectedRow[];
  readonly fileErrors: readonly string[];
}

export const EMPTY_BATCH: RegistryBatch = { practitioners: [], organizations: [], certificates: [], licences: [] };

/** Upserts what was accepted (nothing when the file itself is unusable). */
export async function applyImport(store: RegistryStore, parsed: ParsedImport): Promise<ImportReport> {
  const summary = parsed.fileErrors.length > 0 ? { inserted: 0, updated: 0, unchanged: 0 } : await store.upsert(parsed.batch);
  return { ...summary, acceptedRows: parsed.acceptedRows, rejected: parsed.rejected, fileErrors: parsed.fileErrors };
}
