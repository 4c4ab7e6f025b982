import { describe, expect, it } from 'vitest';
import { checkResponseConformance } from '../../src/cds-hooks/conformance.js';
import { sampleResponse } from '../support/sample-response.js';

type Mutable = { cards: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
const resp = () => structuredClone(sampleResponse()) as unknown as Mutable;

describe('checkResponseConformance', () => {
  it('a conforming response and an empty one have no problems', () => {
    expect(checkResponseConformance(sampleResponse())).toEqual([]);
    expect(checkResponseConformance({ cards: [] })).toEqual([]);
  });

  it('reports schema problems with paths', () => {
    expect(checkResponseConformance({})).toEqual(['cards: Invalid input: expected array, received undefined']);
    const r = resp();
    r.cards[0]!.summary = 'x'.repeat(140);
    expect(checkResponseConformance(r)).toEqual([expect.stringMatching(/^cards\[0\]\.summary: /)]);
  });

  it('card uuids must be UUIDs and unique', () => {
    const r = resp();
    r.cards.push(structuredClone(r.cards[0]!));
    r.cards[1]!.suggestions = [];
    expect(checkResponseConformance(r)).toEqual([expect.stringContaining('cards[1].uuid: duplicate card uuid')]);
    r.cards[1]!.uuid = 'card-2';
    expect(checkResponseConformance(r)).toEqual(['cards[1].uuid: not a UUID']);
  });

  it('suggestion uuids must be unique across the response', () => {
    const r = resp();
    r.cards[0]!.suggestions[1].uuid = r.cards[0]!.suggestions[0].uuid;
    expect(checkResponseConformance(r)).toEqual([expect.stringContaining('cards[0].suggestions[1].uuid: duplicate suggestion uuid')]);
  });

  it('every card carries findings with known rule ids, citation, evidence and params', () => {
    const noExt = resp();
    delete noExt.cards[0]!.extension;
    expect(checkResponseConformance(noExt)).toEqual([expect.stringContaining('cards[0].extension["org.prenatal-cds.findings"]')]);
    const unknownRule = resp();
    unknownRule.cards[0]!.extension['org.prenatal-cds.findings'][0].rule = 'age-over-35';
    expect(checkResponseConformance(unknownRule)).toEqual([
      'cards[0].extension["org.prenatal-cds.findings"][0].rule: is not a rule id of docs/rules.md',
    ]);
    const badShape = resp();
    badShape.cards[0]!.extension['org.prenatal-cds.findings'][1] = { rule: 'ama', citation: '', evidence: 'Patient/p1' };
    expect(checkResponseConformance(badShape).sort()).toEqual([
      'cards[0].extension["org.prenatal-cds.findings"][1].citation: Too small: expected string to have >=1 characters',
      'cards[0].extension["org.prenatal-cds.findings"][1].evidence: Invalid input: expected array, received string',
      'cards[0].extension["org.prenatal-cds.findings"][1].params: Invalid input: expected record, received undefined',
    ]);
  });
});
