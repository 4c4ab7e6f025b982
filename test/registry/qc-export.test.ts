import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { parseCsv } from '../../src/csv/index.js';
import { runRegistryCli, type RegistryCliIo } from '../../src/registry/cli.js';
import { parseRegistryCsv } from '../../src/registry/import-csv.js';
import { applyImport } from '../../src/registry/import-result.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { buildHarness, type Harness } from '../support/app-fixture.js';

/**
 * Issue [A 6/7] item 13, registry parts: (1) an institution QC token does not see another
 * institution's certificate of a practitioner the two share (多点执业); (2) the registry CSV export —
 * the `registry report --format csv` command and `GET /qc/registry?format=csv` — is written by the
 * one CSV module (src/csv): UTF-8 BOM and the formula guard on names from the import.
 * The harness clock reads 2026-11-23 in Asia/Shanghai.
 */
const PROVINCE = 'province-token-registry-0123456789';
const HZ = 'hz-token-registry-0123456789abcdef';
const NB = 'nb-token-registry-0123456789abcdef';
const TOKENS = {
  [PROVINCE]: { role: 'province' as const },
  [HZ]: { role: 'institution' as const, institution: 'zj-org-hz-mch' },
  [NB]: { role: 'institution' as const, institution: 'zj-org-nb' },
};

// 陈静 practises at both hospitals; each registered her certificate for its own technique. Both expired.
const REGISTRY_CSV = [
  'kind,practitioner_id,practitioner_name,organization_id,technique,certificate_number,valid_from,valid_to,last_training',
  'certificate,zj-doc-0300,陈静,zj-org-hz-mch,prenatal-screening,ZJ-CS-2020-0300,2020-01-01,2026-11-01,2026-01-01',
  'certificate,zj-doc-0300,陈静,zj-org-nb,midwifery,ZJ-ZC-2020-0301,2020-01-01,2026-10-01,2026-01-01',
  'certificate,zj-doc-0400,"=HYPERLINK(""http://evil.example/"",""点击"")",zj-org-hz-mch,midwifery,ZJ-ZC-2019-0400,2019-01-01,2026-09-30,2026-01-01',
].join('\r\n');

let registry: MemoryRegistryStore;
let store: OpenedStore;
let h: Harness;

beforeAll(async () => {
  registry = new MemoryRegistryStore();
  const report = await applyImport(registry, parseRegistryCsv(REGISTRY_CSV));
  expect(report.rejected).toEqual([]);
  store = await createStore({ databaseUrl: undefined, dataDir: 'memory://' });
  h = buildHarness({ env: { QC_TOKENS: JSON.stringify(TOKENS) }, deps: { audit: store.audit, registry } });
});
afterAll(async () => store?.close());

const get = (token: string, query: Record<string, string> = {}) =>
  request(h.app).get('/qc/registry').query(query).set('Authorization', `Bearer ${token}`);
const numbers = (items: { number: string }[]) => items.map((i) => i.number).sort();

describe('GET /qc/registry: a practitioner shared by two institutions', () => {
  it("each institution token sees its own certificate of her, never the other institution's", async () => {
    expect(numbers((await get(HZ).expect(200)).body.items)).toEqual(['ZJ-CS-2020-0300', 'ZJ-ZC-2019-0400']);
    expect(numbers((await get(NB).expect(200)).body.items)).toEqual(['ZJ-ZC-2020-0301']);
    expect(numbers((await get(PROVINCE).expect(200)).body.items)).toEqual(['ZJ-CS-2020-0300', 'ZJ-ZC-2019-0400', 'ZJ-ZC-2020-0301']);
    const csv = (await get(NB, { format: 'csv' }).expect(200)).text;
    expect(csv).toContain('ZJ-ZC-2020-0301');
    expect(csv).not.toContain('ZJ-CS-2020-0300');
  });
});

describe('registry CSV export: one CSV module (BOM, formula guard)', () => {
  const guarded = `'=HYPERLINK("http://evil.example/","点击")`;

  it('GET /qc/registry?format=csv starts with the BOM and defuses a formula in a name', async () => {
    const res = await get(PROVINCE, { format: 'csv' }).expect(200);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const { records } = parseCsv(res.text);
    const names = records.slice(1).map((r) => r.fields[3]);
    expect(names).toContain(guarded);
    expect(names).not.toContain(guarded.slice(1));
  });

  it('registry report --format csv does the same', async () => {
    const out: string[] = [];
    const io: RegistryCliIo = {
      store: registry,
      readFile: async () => '',
      stdout: (t) => out.push(t),
      stderr: () => undefined,
      now: () => h.deps.clock.now(),
      policy: DEFAULT_POLICY,
    };
    expect(await runRegistryCli(['report', '--format', 'csv'], io)).toBe(0);
    expect(out[0]!.startsWith('\uFEFF')).toBe(true);
    const { records } = parseCsv(out[0]!);
    expect(records.slice(1).map((r) => r.fields[3])).toContain(guarded);
  });
});
