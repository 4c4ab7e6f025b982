import request from 'supertest';
import { expect } from 'vitest';
import type { Harness } from '../../support/app-fixture.js';
import { exampleRequest, outcomeCode } from './real-app.js';

/** Counts every generated or hand-written bad input sent (printed by each suite). */
export const tried = { count: 0 };

/** Statuses a bad input may get: never a 5xx. */
const CLIENT_ERRORS = new Set([400, 401, 404, 405, 409, 412, 413, 415]);

/**
 * Collects violations instead of stopping at the first, so one run lists every distinct bug
 * (keyed by the server-side error and its first src frame), each with one example input.
 */
export class Violations {
  readonly #byKey = new Map<string, string>();
  constructor(private readonly h: Pick<Harness, 'logLines'>) {}

  /** Checks one response; records a violation instead of throwing. */
  check(res: request.Response, label: string): void {
    tried.count += 1;
    const problem = problemOf(res);
    if (problem === undefined) return;
    // Requests are sequential: the last logged error is this request's.
    const err = this.h
      .logLines()
      .map((l) => l.err as { message?: string; stack?: string } | undefined)
      .filter((e) => e !== undefined)
      .at(-1);
    const frame =
      err?.stack
        ?.split('\n')
        .find((s) => s.includes('/src/'))
        ?.trim()
        .replace(/^at /, '')
        .replace(/^.*\/src\//, 'src/') ?? '';
    const key = `${problem}${err ? ` — ${err.message ?? ''} @ ${frame}` : ''}`;
    if (!this.#byKey.has(key)) this.#byKey.set(key, label.slice(0, 400));
  }

  /** Fails listing every distinct violation with an example input. */
  assertNone(): void {
    const report = [...this.#byKey].map(([k, ex]) => `• ${k}\n    e.g. ${ex}`).join('\n');
    expect(this.#byKey.size, `violations:\n${report}`).toBe(0);
  }
}

function problemOf(res: request.Response): string | undefined {
  if (res.status === 200 || res.status === 201) {
    const body = res.body as Record<string, unknown> | undefined;
    return body && typeof body === 'object' && !('resourceType' in body) ? undefined : `${res.status} without a JSON answer`;
  }
  if (!CLIENT_ERRORS.has(res.status)) return `status ${res.status} (${outcomeCode(res.body) ?? 'no catalogue code'})`;
  if (outcomeCode(res.body) === undefined) return `status ${res.status} without a catalogue OperationOutcome`;
  if (/\bat .+\.(ts|js):\d+/.test(JSON.stringify(res.body))) return 'stack trace in the body';
  return undefined;
}

/** A good patient-view call still gets its referral card (the app survived the batch). */
export async function expectStillAnswers(h: Harness): Promise<void> {
  const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(goodReferral());
  expect(res.status).toBe(200);
  expect((res.body as { cards: unknown[] }).cards).toHaveLength(1);
}

/** The shipped referral example without fhirServer/fhirAuthorization (no network in fuzz runs). */
export function goodReferral(): ReturnType<typeof exampleRequest> {
  const body = exampleRequest('prenatal-diagnosis-referral');
  delete body.fhirServer;
  delete body.fhirAuthorization;
  return body;
}

/** Every JSON path (as key arrays) in `value`, objects and leaves alike, up to `maxDepth`. */
export function pathsOf(value: unknown, maxDepth = Infinity, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (prefix.length >= maxDepth || value === null || typeof value !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const p = [...prefix, k];
    out.push(p, ...pathsOf(v, maxDepth, p));
  }
  return out;
}

/** A copy of `root` with `path` set to `value` (or deleted when `value` is `undefined`); `root` if the path is gone. */
export function withValueAt<T>(root: T, path: readonly (string | number)[], value: unknown): T {
  const copy = structuredClone(root);
  let node = copy as unknown as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return copy;
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}
