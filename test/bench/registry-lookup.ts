/**
 * The order checks' registry reads against registries of growing size (embedded PGlite, in memory):
 * a practitioner (facts and certificates) and an organization (facts and licences) per hook call.
 * Their cost must not grow with the registry (migration 0004, src/store/sql-registry-store.ts).
 * Run pinned, e.g.
 *
 *   taskset -c 0 node --import tsx test/bench/registry-lookup.ts [sizes=0,1000,10000,30000] [lookups=300]
 *
 * Each size: that many practitioners with one certificate each, up to 500 organizations with a
 * licence each, imported through the store's own upsert; then `lookups` (practitioner,
 * organization) pairs, then the registry report's `list()` once. Prints ms per pair (median and
 * p90), the listing's ms, and a JSON line.
 */
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { createSqlRegistryStore } from '../../src/store/sql-registry-store.js';
import { warmQuantile } from './lib/report.js';

const sizes = (process.argv[2] ?? '0,1000,10000,30000').split(',').map(Number);
const lookups = Number(process.argv[3] ?? 300);
const TECHNIQUES = ['prenatal-diagnosis', 'prenatal-screening', 'midwifery'] as const;
const IMPORT_BATCH = 2000;

const results: { practitioners: number; p50Ms: number; p90Ms: number; listMs: number }[] = [];
for (const size of sizes) {
  const sql = await createPgliteSql(MEMORY_DATA_DIR);
  try {
    await migrate(sql);
    const store = createSqlRegistryStore(sql);
    for (let from = 0; from < size; from += IMPORT_BATCH) {
      const ids = Array.from({ length: Math.min(IMPORT_BATCH, size - from) }, (_, i) => from + i);
      const orgIds = ids.filter((i) => i < 500);
      await store.upsert({
        practitioners: ids.map((i) => ({ practitionerId: `dr-${i}`, name: `医生${i}`, organizationIds: [`org-${i % 500}`] })),
        organizations: orgIds.map((i) => ({
          organizationId: `org-${i}`,
          name: `医院${i}`,
          institutionRole: 'prenatal-diagnosis-institution' as const,
        })),
        certificates: ids.map((i) => ({
          practitionerId: `dr-${i}`,
          technique: TECHNIQUES[i % 3]!,
          number: `C-${i}`,
          validFrom: '2023-01-01',
          validTo: '2028-01-01',
        })),
        licences: orgIds.map((i) => ({
          organizationId: `org-${i}`,
          number: `L-${i}`,
          techniques: ['prenatal-screening', 'prenatal-diagnosis'],
          validTo: '2028-01-01',
        })),
      });
    }
    const times: number[] = [];
    for (let i = 0; i < lookups; i += 1) {
      const t = performance.now();
      await store.practitioner(`dr-${(i * 7) % Math.max(size, 1)}`);
      await store.organization(`org-${i % 500}`);
      times.push(performance.now() - t);
    }
    const q = (p: number) => warmQuantile(times, p, 3);
    const t = performance.now();
    await store.list();
    const listMs = Math.round(performance.now() - t);
    results.push({ practitioners: size, p50Ms: q(0.5), p90Ms: q(0.9), listMs });
    console.log(
      `registry of ${size} practitioners: ${q(0.5)} ms per (practitioner, organization) pair, p90 ${q(0.9)}; list() ${listMs} ms`,
    );
  } finally {
    await sql.close();
  }
}
console.log(JSON.stringify({ lookups, results }));
