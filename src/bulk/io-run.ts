import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClinicalNow } from '../clock.js';
import type { Policy } from '../clinical/policy.js';
import { auditPatient } from './audit-patient.js';
import { reportSettings } from '../qc/report-settings.js';
import type { FollowUpGroupBy } from '../qc/follow-up-types.js';
import { createAuditTally, type BulkAuditReport } from './audit-tally.js';
import { createFollowUpCollector } from './follow-up-collector.js';
import { forEachPatient } from './io-buckets.js';
import { partitionExport } from './io-partition.js';

/** Default raw NDJSON bytes per bucket: parsed, a bucket takes ~10× that in memory. */
export const DEFAULT_BUCKET_BYTES = 8 * 1024 * 1024;

export interface BulkAuditOptions {
  /** Directory of the Bulk Data export (`*.ndjson`). */
  readonly dir: string;
  readonly policy: Policy;
  /** The as-of day: pregnancy, gestational age and windows are judged on `now.today`. */
  readonly now: ClinicalNow;
  /** NOTICE_DEADLINE_DAYS (default 7): an indicated pregnancy's notice is due this many days after its first evidence. */
  readonly deadlineDays?: number;
  /** MRN_SYSTEM: the Patient.identifier system of her record number, shown beside her id (docs/design.md#bulk-mrn). */
  readonly mrnSystem?: string;
  readonly bucketBytes?: number;
  /** Parent of the temp directory (default `os.tmpdir()`). */
  readonly tmpRoot?: string;
  /** The follow-up funnel's period and grouping (docs/design.md#follow-up): by default the whole export, by institution. */
  readonly followUp?: { readonly from?: string; readonly to?: string; readonly groupBy?: FollowUpGroupBy };
  /** Called now and then with the phase and lines done in it (for a progress display). */
  readonly onProgress?: (phase: 'partition' | 'evaluate', lines: number) => void;
}

/**
 * Retrospective Art. 24 / Art. 25 audit of a FHIR Bulk Data export, in bounded memory: pass 1
 * partitions the lines by patient into temp bucket files, pass 2 evaluates one bucket at a time,
 * keeping per woman only her compliance tally and her few follow-up rows; the follow-up funnel is
 * computed once at the end (./follow-up-collector.ts).
 * The temp directory is removed at the end, also when something fails.
 */
export async function runBulkAudit(o: BulkAuditOptions): Promise<BulkAuditReport> {
  const tmp = await mkdtemp(join(o.tmpRoot ?? tmpdir(), 'prenatal-cds-bulk-'));
  try {
    const part = await partitionExport(o.dir, tmp, o.bucketBytes ?? DEFAULT_BUCKET_BYTES, (n) => o.onProgress?.('partition', n));
    const tally = createAuditTally();
    const followUp = createFollowUpCollector();
    await forEachPatient(
      part.bucketFiles,
      part.shared,
      (pid, resources) => {
        const audit = auditPatient(pid, resources, o.policy, o.now, o.deadlineDays, o.mrnSystem);
        tally.add(audit);
        followUp.add(audit.followUp);
      },
      (n) => o.onProgress?.('evaluate', n),
    );
    return tally.report({
      asOf: o.now.today,
      timeZone: o.now.timeZone,
      lines: part.lines,
      malformed: part.malformed,
      malformedCount: part.malformedCount,
      unattributed: part.unattributed,
      followUp: followUp.report({
        ...o.followUp,
        ...reportSettings({ timeZone: o.now.timeZone, deadlineDays: o.deadlineDays ?? 7, policy: o.policy }, o.now.today),
      }),
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
