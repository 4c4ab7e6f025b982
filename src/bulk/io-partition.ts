import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import type { MalformedLine } from './audit-tally.js';
import { compareIds } from '../text/natural-order.js';
import { readNdjson } from './io-lines.js';
import { bucketCount, bucketOf, patientIdOf, SHARED_TYPES } from './patient-ref.js';

/** How many malformed lines are kept with their file:line (all are counted). */
export const MALFORMED_KEPT = 1000;

export interface PartitionResult {
  readonly bucketFiles: readonly string[];
  readonly lines: number;
  readonly malformed: readonly MalformedLine[];
  readonly malformedCount: number;
  readonly unattributed: Readonly<Record<string, number>>;
  /** Shared reference resources (e.g. Medication) by `Type/id`; assumed small. */
  readonly shared: ReadonlyMap<string, Resource>;
}

/** The `*.ndjson` files of an export directory (`Type.ndjson`, `Type.000.ndjson`, …), in natural order. */
export async function exportFiles(dir: string): Promise<{ path: string; bytes: number }[]> {
  const names = (await readdir(dir)).filter((n) => /\.ndjson$/i.test(n)).sort(compareIds);
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), bytes: (await stat(join(dir, n))).size })));
}

async function closeAll(streams: readonly WriteStream[]): Promise<void> {
  await Promise.all(
    streams.map((s) =>
      s.closed
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            s.once('error', reject);
            s.end(() => resolve());
          }),
    ),
  );
}

/**
 * First pass: streams every line once and appends it to one of K bucket files in `tmpDir`, chosen by
 * a hash of the patient id, so that every resource of a patient lands in the same bucket and one
 * bucket fits in memory. Malformed lines and resources naming no patient are counted, never fatal.
 */
export async function partitionExport(
  dir: string,
  tmpDir: string,
  bucketBytes: number,
  onLine: (lines: number) => void,
): Promise<PartitionResult> {
  const files = await exportFiles(dir);
  const k = bucketCount(
    files.reduce((n, f) => n + f.bytes, 0),
    bucketBytes,
  );
  const bucketFiles = Array.from({ length: k }, (_, i) => join(tmpDir, `bucket-${String(i).padStart(4, '0')}.ndjson`));
  const highWaterMark = Math.max(16 * 1024, Math.min(1 << 20, Math.floor((64 << 20) / k)));
  const streams = bucketFiles.map((p) => createWriteStream(p, { highWaterMark }));
  let failure: Error | undefined;
  for (const s of streams) s.on('error', (e) => (failure ??= e));
  const malformed: MalformedLine[] = [];
  const unattributed: Record<string, number> = {};
  const shared = new Map<string, Resource>();
  let lines = 0,
    malformedCount = 0;
  try {
    for (const f of files) {
      const file = basename(f.path);
      for await (const p of readNdjson(f.path)) {
        if (failure) throw failure;
        if (++lines % 4096 === 0) onLine(lines);
        if (!p.ok) {
          malformedCount++;
          if (malformed.length < MALFORMED_KEPT) malformed.push({ file, line: p.line, reason: p.reason });
          continue;
        }
        const r = p.resource;
        if (SHARED_TYPES.has(r.resourceType)) {
          if (r.id) shared.set(`${r.resourceType}/${r.id}`, r);
          continue;
        }
        const pid = patientIdOf(r);
        if (pid === undefined) {
          unattributed[r.resourceType] = (unattributed[r.resourceType] ?? 0) + 1;
          continue;
        }
        const out = streams[bucketOf(pid, k)]!;
        if (!out.write(`${p.text}\n`)) await once(out, 'drain');
      }
    }
    onLine(lines);
  } finally {
    await closeAll(streams);
  }
  if (failure) throw failure;
  return { bucketFiles, lines, malformed, malformedCount, unattributed, shared };
}
