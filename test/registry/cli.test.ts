import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { runRegistryCli, type RegistryCliIo } from '../../src/registry/cli.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { NOW } from '../orders/support/fixtures.js';
import { REGISTRY_CSV, registryBundle } from './fixtures.js';

function io(files: Record<string, string>): RegistryCliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    store: new MemoryRegistryStore(),
    readFile: async (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      return f;
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    now: () => NOW,
    policy: DEFAULT_POLICY,
    out,
    err,
  };
}

describe('runRegistryCli', () => {
  it('import CSV: reports accepted and rejected rows; exit 1 when some were rejected; re-import unchanged', async () => {
    const x = io({ 'certs.csv': REGISTRY_CSV });
    expect(await runRegistryCli(['import', 'certs.csv'], x)).toBe(1);
    expect(x.out[0]).toContain('accepted 3 row(s): 5 inserted, 0 updated, 0 unchanged; rejected 4 row(s)');
    expect(x.out[0]).toContain('row 6 (licence ZJ-MY-2019-1): technique "ivf" is not an mch-technique code');
    await runRegistryCli(['import', 'certs.csv'], x);
    expect(x.out[1]).toContain('0 inserted, 0 updated, 5 unchanged');
  });

  it('import a JSON Bundle (BOM tolerated); exit 0 when every row is accepted', async () => {
    const good = { ...registryBundle(), entry: registryBundle().entry!.slice(0, 3) };
    const x = io({ 'export.json': `\uFEFF${JSON.stringify(good)}` });
    expect(await runRegistryCli(['import', 'export.json'], x)).toBe(0);
    expect((await x.store.practitioner('prac-li'))!.certificates).toHaveLength(2);
  });

  it.each([
    [['import', 'missing.csv'], 1, 'registry: file missing.csv not found'],
    [['import', 'bad.json'], 1, 'invalid JSON'],
    [['import', 'data.xml'], 1, 'must end in .json'],
    [['import', 'cols.csv'], 1, 'nothing imported: unknown column "foo"'],
    [['report', '--format', 'pdf'], 2, 'usage'],
    [['frobnicate'], 2, 'usage'],
    [[], 2, 'usage'],
  ])('%j → exit %i', async (argv, code, message) => {
    const x = io({ 'bad.json': '{', 'data.xml': '<x/>', 'cols.csv': 'kind,technique,foo\n' });
    expect(await runRegistryCli(argv, x)).toBe(code);
    expect(x.err.join('')).toContain(message);
  });

  it('report in table, csv and json', async () => {
    const x = io({ 'certs.csv': REGISTRY_CSV });
    await runRegistryCli(['import', 'certs.csv'], x);
    x.out.length = 0;
    expect(await runRegistryCli(['report'], x)).toBe(0);
    expect(x.out[0]).toMatch(/^registry report 2025-06-15 \(expiring within 90 days\)/);
    expect(await runRegistryCli(['report', '--format', 'csv'], x)).toBe(0);
    expect(x.out[1]!.startsWith('\uFEFF')).toBe(true); // the BOM of every CSV we write (src/csv)
    const csv = x.out[1]!.slice(1).split('\r\n');
    expect(csv[0]).toBe('bucket,kind,holder,holder_name,number,techniques,date,due_by,days,reason');
    expect(await runRegistryCli(['report', '--format=json'], x)).toBe(0);
    const json = JSON.parse(x.out[2]!) as { today: string; items: { bucket: string; number: string }[] };
    expect(json.today).toBe('2025-06-15');
    // Licence ZJ-MY-2021-007 (verified 2024-06-01) ends 2026-05-31: not yet within 90 days → no items for it.
    expect(json.items.some((i) => i.number === 'ZJ-MY-2021-007')).toBe(false);
    expect(csv.length - 2).toBe(json.items.length);
  });
});
