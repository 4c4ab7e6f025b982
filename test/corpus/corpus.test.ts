import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { fixedClock } from '../../src/clock.js';
import { REFERRAL_RULE_IDS } from '../../src/engine/rule-ids.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { validationErrors } from '../support/fhir-validate.js';
import { generateCorpus, TODAY, TZ, type CorpusRecord, type Expected } from './generate.js';

/**
 * Every referral rule over the corpus of realistic records (test/corpus/generate.ts), each record
 * with the outcome the rules must give: fires, silent, or undecided ("could not decide"). The
 * corpus is made three times with other ids, codings and Bundle orders: the answer may not depend
 * on them.
 */
const NOW = fixedClock(`${TODAY}T02:00:00Z`, TZ).now();
const corpus = generateCorpus();

function decided(r: CorpusRecord) {
  const resources = (r.bundle.entry ?? []).map((e) => e.resource as Resource);
  const ev = evaluateReferral(createSnapshot({ patientId: r.patientId, resources }), DEFAULT_POLICY, NOW);
  const outcome = (rule: string): Expected =>
    ev.findings.some((f) => f.rule === rule) ? 'fires' : ev.undecided.some((u) => u.rule === rule) ? 'undecided' : 'silent';
  return { ev, outcome };
}

describe('corpus of Chinese obstetric EHR records', () => {
  it('is made of valid FHIR R4 resources', () => {
    const problems = corpus.flatMap((r) =>
      (r.bundle.entry ?? []).flatMap((e) =>
        validationErrors(e.resource as Resource).map((i) => `${r.name}: ${e.fullUrl}: ${JSON.stringify(i)}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it.each(corpus.map((r) => [`${r.point} · ${r.name} (${r.patientId})`, r] as const))('%s', (_name, r) => {
    const { ev, outcome } = decided(r);
    expect(ev.errors).toEqual([]);
    if (r.noReferral) {
      expect(ev.findings.map((f) => f.rule)).toEqual([]);
      expect(ev.undecided.length).toBeGreaterThan(0);
      for (const u of ev.undecided) expect(u.reason).toMatch(/^pregnancy status unclear: \d+ days past the EDD/);
      return;
    }
    const got = Object.fromEntries(REFERRAL_RULE_IDS.map((id) => [id, outcome(id)]));
    const want = Object.fromEntries(REFERRAL_RULE_IDS.map((id) => [id, r.expect[id] ?? 'silent']));
    expect(got).toEqual(want);
  });
});
