import { rm } from 'node:fs/promises';
import type { Resource } from '@medplum/fhirtypes';
import { readNdjson } from './io-lines.js';
import { patientIdOf, sharedReferencesOf } from './patient-ref.js';

/**
 * Second pass, one bucket at a time: groups the bucket's lines by patient (the whole bucket is in
 * memory, nothing else is), hands each patient's resources — plus the shared reference resources
 * they point at — to `visit`, then deletes the bucket file.
 */
export async function forEachPatient(
  bucketFiles: readonly string[],
  shared: ReadonlyMap<string, Resource>,
  visit: (patientId: string, resources: readonly Resource[]) => void,
  onLine: (lines: number) => void,
): Promise<void> {
  let lines = 0;
  for (const file of bucketFiles) {
    const groups = new Map<string, Resource[]>();
    for await (const p of readNdjson(file)) {
      if (++lines % 4096 === 0) onLine(lines);
      if (!p.ok) continue; // written by the first pass from valid lines
      const pid = patientIdOf(p.resource);
      if (pid === undefined) continue;
      let list = groups.get(pid);
      if (!list) groups.set(pid, (list = []));
      list.push(p.resource);
    }
    for (const [pid, resources] of groups) {
      const extra =
        shared.size === 0
          ? []
          : resources
              .flatMap(sharedReferencesOf)
              .map((ref) => shared.get(ref))
              .filter((r): r is Resource => r !== undefined);
      visit(pid, extra.length > 0 ? [...resources, ...extra] : resources);
    }
    groups.clear();
    await rm(file, { force: true });
  }
  onLine(lines);
}
