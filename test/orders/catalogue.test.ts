import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MCH_TECHNIQUE_CODES } from '../../src/clinical/codes.js';
import { ORDER_RULE_IDS } from '../../src/engine/rule-ids.js';
import { ORDER_CATALOGUES, hasOrderMessage } from '../../src/orders/messages.js';
import { OVERRIDE_REASON_CODES } from '../../src/orders/card.js';
import { ORDER_RULES } from '../../src/orders/rules/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every reason each rule can put in `params.reason` (kept in sync with the rule files). */
const REASONS: Record<string, string[]> = {
  'cert-missing': ['no-certificate', 'not-yet-valid'],
  'cert-expired': ['period-ended', 'validity-unusable'],
  'cert-training-overdue': ['overdue', 'unknown', 'unusable'],
  'licence-missing': ['technique-not-licensed', 'no-licence', 'not-yet-valid'],
  'licence-expired': ['period-ended', 'validity-unusable', 'verification-overdue', 'verification-unknown', 'verification-unusable'],
  'sex-determination-prohibited': ['no-reason', 'reason-not-sex-linked'],
  'termination-reason-missing': ['no-reason'],
};

describe('order rule catalogue (docs/rules.md#orders)', () => {
  it('one rule per id of ORDER_RULE_IDS, one file each, each with a ZJ citation and the service', () => {
    expect(ORDER_RULES.map((r) => r.id)).toEqual([...ORDER_RULE_IDS]);
    for (const r of ORDER_RULES) {
      expect(existsSync(join(ROOT, 'src/orders/rules', `${r.id}.ts`))).toBe(true);
      expect(r.citation.zj).toMatch(/^ZJ-2023 Art\.\d+/);
      expect(r.services).toEqual(['special-technique-order-sign']);
      expect(r.title['zh-CN'] && r.title.en).toBeTruthy();
    }
  });

  it.each([
    ['cert-missing', 'ZJ-2023 Art.15, 17', 'critical'],
    ['cert-expired', 'ZJ-2023 Art.15', 'critical'],
    ['cert-training-overdue', 'ZJ-2023 Art.19', 'warning'],
    ['licence-missing', 'ZJ-2023 Art.3, 10, 17', 'critical'],
    ['licence-expired', 'ZJ-2023 Art.13', 'critical'],
    ['sex-determination-prohibited', 'ZJ-2023 Art.31', 'critical'],
    ['termination-reason-missing', 'ZJ-2023 Art.31', 'critical'],
  ])('%s cites %s and is %s', (id, zj, indicator) => {
    const r = ORDER_RULES.find((x) => x.id === id)!;
    expect(r.citation.zj).toBe(zj);
    expect(r.indicator).toBe(indicator);
  });
});

describe('orders message catalogues (cds-hooks/messages/orders.*.json)', () => {
  const zh = ORDER_CATALOGUES['zh-CN'] as Record<string, string>;
  const en = ORDER_CATALOGUES.en as Record<string, string>;

  it('have the same keys and the same placeholders per key', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const k of Object.keys(zh)) expect([k, placeholders(en[k]!)]).toEqual([k, placeholders(zh[k]!)]);
  });

  it('have an explanation for every rule reason, a problem per rule, every technique and override reason', () => {
    for (const [rule, reasons] of Object.entries(REASONS)) {
      expect(hasOrderMessage('en', `problem.${rule}`)).toBe(true);
      for (const reason of reasons) expect(hasOrderMessage('en', `explain.${rule}.${reason}`), `${rule}.${reason}`).toBe(true);
    }
    for (const t of MCH_TECHNIQUE_CODES) expect(hasOrderMessage('zh-CN', `technique.${t}`)).toBe(true);
    for (const c of OVERRIDE_REASON_CODES) expect(hasOrderMessage('zh-CN', `override.${c}`)).toBe(true);
  });

  it('explain.* keys are exactly the reasons the rules emit', () => {
    const explained = Object.keys(en)
      .filter((k) => k.startsWith('explain.'))
      .sort();
    expect(explained).toEqual(
      Object.entries(REASONS)
        .flatMap(([r, rs]) => rs.map((x) => `explain.${r}.${x}`))
        .sort(),
    );
  });
});
