/**
 * Micro-benchmark of the rule engine alone: `evaluateReferral` evaluations/s on the typical record
 * (≈ 50 resources), for each referral rule alone and for the whole catalogue. Time-bounded loops.
 * Prints one JSON line. Run pinned: `taskset -c 0 node --import tsx test/bench/micro-engine.ts [ms] [warm|cold|both]`.
 *
 * warm: one snapshot reused by every evaluation (per-snapshot memo caches hit after the first call).
 * cold: the real request path — every evaluation gets a fresh `createSnapshot` over a fresh
 * structured clone of the same input (fresh resource objects, so no cache survives between calls).
 * Only `evaluateReferral` is timed in cold mode (clone + snapshot build excluded, reported apart).
 */
import type { Resource } from '@medplum/fhirtypes';
import { systemClock } from '../../src/clock.js';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { REFERRAL_RULES } from '../../src/referral/rules/index.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { paddedRequest, prefetchResources } from './lib/records.js';

const budgetMs = Number(process.argv[2] ?? 1000);
const mode = process.argv[3] ?? 'both';
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

/** Cold evaluations per second: fresh resources + snapshot per call; only `fn(snapshot)` is timed. */
function coldOpsPerSec(
  fn: (s: ReturnType<typeof createSnapshot>) => unknown,
  ms: number,
): { evalsPerSec: number; p50Ms: number; p99Ms: number } {
  const fresh = () =>
    createSnapshot({ patientId: body.context.patientId, resources: structuredClone(prefetchResources(body)) as unknown as Resource[] });
  const warmEnd = performance.now() + ms / 4;
  while (performance.now() < warmEnd) fn(fresh());
  const times: number[] = [];
  let timed = 0;
  const wallStart = performance.now();
  while (times.length < 1_000_000 && performance.now() - wallStart < ms) {
    const s = fresh();
    const t0 = performance.now();
    fn(s);
    const dt = performance.now() - t0;
    times.push(dt);
    timed += dt;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => Number((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0).toFixed(3));
  return { evalsPerSec: Math.round(times.length / (timed / 1000)), p50Ms: q(0.5), p99Ms: q(0.99) };
}

const whole = evaluateReferral(snapshot, DEFAULT_POLICY, now);
const warm =
  mode === 'cold'
    ? undefined
    : {
        perRule: REFERRAL_RULES.map((rule) => ({
          rule: rule.id,
          outcome: whole.outcomes[rule.id as keyof typeof whole.outcomes]?.status ?? 'error',
          evalsPerSec: opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now, [rule]), budgetMs),
        })),
        catalogueEvalsPerSec: opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now), budgetMs),
        factsOnlyEvalsPerSec: opsPerSec(() => evaluateReferral(snapshot, DEFAULT_POLICY, now, []), budgetMs),
      };
const cold =
  mode === 'warm'
    ? undefined
    : {
        perRule: REFERRAL_RULES.map((rule) => ({
          rule: rule.id,
          evalsPerSec: coldOpsPerSec((s) => evaluateReferral(s, DEFAULT_POLICY, now, [rule]), budgetMs).evalsPerSec,
        })),
        catalogue: coldOpsPerSec((s) => evaluateReferral(s, DEFAULT_POLICY, now), budgetMs),
        factsOnlyEvalsPerSec: coldOpsPerSec((s) => evaluateReferral(s, DEFAULT_POLICY, now, []), budgetMs).evalsPerSec,
      };
const snapshotBuild = opsPerSec(
  () => createSnapshot({ patientId: body.context.patientId, resources: structuredClone(prefetchResources(body)) as unknown as Resource[] }),
  budgetMs,
);
console.log(
  JSON.stringify({
    resources: prefetchResources(body).length,
    findings: whole.findings.map((f) => f.rule),
    ruleErrors: whole.errors.length,
    warm,
    cold,
    snapshotBuildWithClonePerSec: snapshotBuild,
  }),
);
