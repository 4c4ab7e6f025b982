import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultServicesDir, loadServiceDefinitions } from '../../src/cds-hooks/service-definitions.js';

const real = JSON.parse(readFileSync(join(defaultServicesDir(), 'prenatal-diagnosis-referral.json'), 'utf8')) as Record<string, unknown>;
const dirs: string[] = [];
function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'defs-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadServiceDefinitions', () => {
  it('loads the shipped definitions, frozen, with requiredPrefetch from the extension', () => {
    const defs = loadServiceDefinitions();
    expect(defs).toHaveLength(4);
    const d = defs.find((x) => x.id === 'prenatal-diagnosis-referral')!;
    expect(d.requiredPrefetch).toContain('patient');
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.prefetch)).toBe(true);
  });

  it.each([
    ['unknown id', { 'x.json': { ...real, id: 'x' } }, /x\.json: is not a ServiceId/],
    ['wrong hook for the id', { 'prenatal-diagnosis-referral.json': { ...real, hook: 'order-sign' } }, /must use hook patient-view/],
    ['unsupported hook', { 'prenatal-diagnosis-referral.json': { ...real, hook: 'appointment-book' } }, /at hook/],
    ['unknown member (typo)', { 'prenatal-diagnosis-referral.json': { ...real, prefech: {} } }, /prefech|Unrecognized/],
    [
      'unknown prefetch token',
      { 'prenatal-diagnosis-referral.json': { ...real, prefetch: { patient: 'Patient/{{context.patient}}' } } },
      /unknown prefetch token/,
    ],
    [
      'required key not prefetched',
      { 'prenatal-diagnosis-referral.json': { ...real, prefetch: { patient: 'Patient/{{context.patientId}}' } } },
      /required key observations/,
    ],
    ['file name ≠ id', { 'referral.json': real }, /file name must be prenatal-diagnosis-referral\.json/],
    ['bad JSON', { 'prenatal-diagnosis-referral.json': '{' }, /not valid JSON/],
    ['empty directory', {}, /no service definitions/],
  ])('rejects %s', (_n, files, message) => {
    expect(() => loadServiceDefinitions(dirWith(files))).toThrow(message);
  });

  it('rejects a second file for the same id (ids are unique)', () => {
    const copy = { ...real };
    const dir = dirWith({ 'prenatal-diagnosis-referral.json': real });
    writeFileSync(join(dir, 'prenatal-diagnosis-referral.copy.json'), JSON.stringify(copy));
    expect(() => loadServiceDefinitions(dir)).toThrow(
      /prenatal-diagnosis-referral.copy.json: file name must be prenatal-diagnosis-referral.json/,
    );
  });
});
