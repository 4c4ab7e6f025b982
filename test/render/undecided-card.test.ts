import { describe, expect, it } from 'vitest';
import { cardSchema } from '../../src/cds-hooks/card-schema.js';
import { checkResponseConformance } from '../../src/cds-hooks/conformance.js';
import type { Undecided } from '../../src/engine/rule.js';
import { buildUndecidedCard, RULE_ERROR_REASON } from '../../src/render/undecided-card.js';

const ids = () => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
};
const ama: Undecided = {
  rule: 'ama',
  ruleVersion: '1.0.0',
  citation: 'ZJ-2023 Art.24(5); PDM Art.17(5)',
  title: { 'zh-CN': '孕妇年龄≥35周岁（高龄孕妇）', en: 'Advanced maternal age' },
  reason: 'birthDate 1992 is partial (year): age at 2027-05-10 is 34 or 35',
  evidence: ['Patient/p-1'],
};
const afi: Undecided = {
  rule: 'amniotic-fluid',
  ruleVersion: '1.0.0',
  citation: 'ZJ-2023 Art.24(1); PDM Art.17(1)',
  title: { 'zh-CN': '羊水过多或过少', en: 'Amniotic fluid anomaly' },
  reason: 'unit (none) is not cm or mm',
  evidence: ['Observation/[x](y)'],
};

describe('the "could not decide" card', () => {
  it('nothing to report: no card', () => {
    expect(buildUndecidedCard({ undecided: [], failed: [], locale: 'zh-CN', newId: ids() })).toBeUndefined();
  });

  it('lists each outcome with its title, reason and records; extension undecided, no findings; info', () => {
    const card = buildUndecidedCard({ undecided: [ama, afi], failed: [], locale: 'zh-CN', newId: ids() })!;
    expect(() => cardSchema.parse(card)).not.toThrow();
    expect(card.indicator).toBe('info');
    expect(card.summary).toBe('无法判断：孕妇年龄≥35周岁（高龄孕妇）等1项——资料不足或无法读取，请核实');
    expect(card.extension).toEqual({
      'org.prenatal-cds.undecided': [
        { rule: 'ama', reason: ama.reason, evidence: ['Patient/p-1'] },
        { rule: 'amniotic-fluid', reason: afi.reason, evidence: ['Observation/[x](y)'] },
      ],
    });
    // Record-derived text is escaped: a reference cannot become a markdown link.
    expect(card.detail).toContain('Observation/\\[x\\]\\(y\\)');
    expect(checkResponseConformance({ cards: [card] })).toEqual([]);
  });

  it('a rule that threw is "could not evaluate", without its error text', () => {
    const card = buildUndecidedCard({
      undecided: [],
      locale: 'en',
      newId: ids(),
      failed: [
        { error: { rule: 'ama', version: '1.0.0', citation: 'x', cause: 'secret detail', errorClass: 'TypeError' }, title: ama.title },
      ],
    })!;
    expect(card.summary).toBe('Could not decide: Advanced maternal age — data missing or unreadable, please check');
    expect(card.detail).toContain('this rule failed and was not evaluated');
    expect(JSON.stringify(card)).not.toContain('secret detail');
    expect(card.extension).toEqual({ 'org.prenatal-cds.undecided': [{ rule: 'ama', reason: RULE_ERROR_REASON, evidence: [] }] });
  });

  it('a long title keeps the summary under 140 characters', () => {
    const long = { ...ama, title: { 'zh-CN': '很'.repeat(300), en: 'x'.repeat(300) } };
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(buildUndecidedCard({ undecided: [long], failed: [], locale, newId: ids() })!.summary.length).toBeLessThan(140);
    }
  });

  it('conformance: the undecided card is info, last, and carries no findings', () => {
    const card = buildUndecidedCard({ undecided: [ama], failed: [], locale: 'zh-CN', newId: ids() })!;
    const finding = { rule: 'ama', citation: 'c', evidence: ['Patient/p'], params: {} };
    const other = {
      uuid: '00000000-0000-4000-8000-0000000000ff',
      summary: 's',
      indicator: 'warning',
      source: { label: 'l' },
      extension: { 'org.prenatal-cds.findings': [finding] },
    };
    expect(checkResponseConformance({ cards: [card, other] })).toContain('cards[0]: the undecided card comes after every other card');
    expect(checkResponseConformance({ cards: [{ ...card, indicator: 'warning' }] })).toContain(
      'cards[0].indicator: the undecided card is info',
    );
    expect(
      checkResponseConformance({ cards: [{ ...card, extension: { ...card.extension, 'org.prenatal-cds.findings': [finding] } }] }),
    ).toContain('cards[0]: the undecided card carries no findings');
  });
});
