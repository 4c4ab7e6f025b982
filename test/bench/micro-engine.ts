/**
 * Micro-benchmark of the rule engine alone: `evaluateReferral` evaluations/s on the typical record
 * (≈ 50 resources), for each referral rule alone and for the whole catalogue. Time-bounded loops.
 * Prints one JSON line. Run pinned: `taskset -c 0 node --import tsx test/bench/micro-engine.ts [ms]`.
 */
import type { Resource } from '@medplum/fhirtypes';
import { systemClock } from '../../src/clock.js';
import { evaluateReferral } from '../../src/clinical/engine.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { REFERRAL_RULES } from '../../src/clinical/rules/referral/index.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { paddedRequest, prefetchResources } from './lib/records.js';

const budgetMs = Number(process.argv[2] ?? 1000);
const body = paddedRequest('prenatal-diagnosis-referral', 50);
const snapshot = createSnapshot({ patientId: body.context.patientId, resources: prefetchResources(body) as unknown as Resource[] });
const now = systemClock('Asia/Shanghai').now();

/** Evaluations per second of `fn`, measured for `ms` after a warm-up of ms/4; bounded iterations. */
function opsPerSec(fn: () => unknown, ms: number): number {
  const bound = 10_000_000;
  const warmEnd = performance.now() + ms / 4;
  for (let i = 0; i < bound && performance.now() < warmEnd; i += 1) fn();
  const start = performance.now();
  let n = 0;
  while (n < bound && performance.now() - start < ms) {
    for (let j = 0; j < 16; j += 1) fn();
    n += 16;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

const whole = evaluateReferral(snapshot, DEFAULT_POLICY, now);
const perRule = REFERRAL_RULES.map((rule) => ({
  rule: rule.id,
  outcome: whole.outcomes[rule.id as keyof typeof whole.outcomes]?.status ?? 'error',
  evalsPerSec: opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now, [rule]), budgetMs),
}));
const catalogue = opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now), budgetMs);
const factsOnly = opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now, []), budgetMs);
const snapshotBuild = opsPerSec(() => createSnapshot({ patientId: body.context.patientId, resources: structuredClone(prefetchResources(body)) as unknown as Resource[] }), budgetMs);
console.log(JSON.stringify({
  resources: prefetchResources(body).length,
  findings: whole.findings.map((f) => f.rule),
  ruleErrors: whole.errors.length,
  perRule,
  catalogueEvalsPerSec: catalogue,
  factsOnlyEvalsPerSec: factsOnly,
  snapshotBuildWithClonePerSec: snapshotBuild,
}));
