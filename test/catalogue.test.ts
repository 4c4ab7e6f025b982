import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceDefinitions } from '../src/cds-hooks/service-definitions.js';
import { ALL_RULE_IDS } from '../src/engine/rule-ids.js';
import { citationText, type Rule } from '../src/engine/rule.js';
import { REFERRAL_RULES } from '../src/referral/rules/index.js';
import { ERRORS } from '../src/errors/catalogue.js';
import { ORDER_RULES } from '../src/orders/rules/index.js';
import { NIPT_RULES } from '../src/nipt/rules/index.js';

/**
 * The catalogue test (docs/conventions.md#tests): every rule has a citation, a test, a service, and a line in
 * the README's rule table; every error code has a line in the README's error table.
 */
const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function tableRows(marker: string): string[][] {
  const start = README.indexOf(`<!-- ${marker}:start -->`);
  const end = README.indexOf(`<!-- ${marker}:end -->`);
  expect(start, `README has a ${marker} table`).toBeGreaterThan(-1);
  return README.slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| `') || l.startsWith('| [`'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
}

/** The id in a rule table cell: `` `ama` `` or a link to its section, `` [`ama`](docs/rules.md#ama) ``. */
const cellId = (cell: string): string => /`([^`]+)`/.exec(cell)?.[1] ?? cell;

const ruleRows = tableRows('rules');
const readmeRule = new Map(ruleRows.map((r) => [cellId(r[0]!), r]));
const RECORDS: readonly Rule<never>[] = [...REFERRAL_RULES, ...ORDER_RULES, ...NIPT_RULES] as unknown as Rule<never>[];

describe('rule catalogue', () => {
  it('the README rule table lists exactly the rule ids of the catalogue, once each, each linked to docs/rules.md', () => {
    const ids = ruleRows.map((r) => cellId(r[0]!));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...ALL_RULE_IDS].sort());
    for (const r of ruleRows)
      expect(r[0], 'links to its section of docs/rules.md').toBe(`[\`${cellId(r[0]!)}\`](docs/rules.md#${cellId(r[0]!)})`);
  });

  it.each(RECORDS.map((r) => [r.id, r] as const))('%s: citation, services, inputs, README line agree', (id, rule) => {
    expect(rule.citation.zj).toMatch(/^ZJ-2023 Art\.\d+/);
    expect(readmeRule.get(id)?.[2]).toBe(citationText(rule.citation));
    expect(rule.services.length).toBeGreaterThan(0);
    const served = new Set(loadServiceDefinitions().map((d) => d.id));
    for (const s of rule.services) expect(served.has(s)).toBe(true);
    expect(rule.inputs.length).toBeGreaterThan(0);
    expect(rule.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(REFERRAL_RULES.map((r) => [r.id]))('%s has its table-driven test', (id) => {
    expect(existsSync(join(ROOT, 'test/referral/rules', `${id}.test.ts`))).toBe(true);
  });

  it.each(ORDER_RULES.map((r) => [r.id]))('%s is exercised by the order rule tests', (id) => {
    expect(readFileSync(join(ROOT, 'test/orders/rules.test.ts'), 'utf8')).toMatch(new RegExp(`['\`]${id}[':]`));
  });
});

it.each(NIPT_RULES.map((r) => [r.id]))('%s is exercised by the NIPT tests', (id) => {
  const tests = ['rules', 'evaluate', 'institution', 'service']
    .map((f) => readFileSync(join(ROOT, `test/nipt/${f}.test.ts`), 'utf8'))
    .join('\n');
  expect(tests).toMatch(new RegExp(`['\`]${id}[':]`));
});

describe('error catalogue', () => {
  it('the README error table lists every code with its HTTP status', () => {
    const rows = tableRows('errors').map((r) => [r[0]!.replace(/`/g, ''), Number(r[1])] as const);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(ERRORS).map(([code, d]) => [code, d.status])));
  });
});
