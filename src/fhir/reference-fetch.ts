import type { Resource } from '@medplum/fhirtypes';
import type { ValueSetMatcher } from '../clinical/value-sets/matcher.js';
import type { FhirReadResult } from './fhir-client.js';
import { isUnderBase } from './fhir-client.js';
import type { LazyFetchSession } from './fetch-session.js';
import { missingReferences, type MissingReference } from './reference-needs.js';
import { idOf } from './references.js';
import { createSnapshot, type UnresolvedReference } from './snapshot.js';

/**
 * The second, bounded fetch stage of a hook call (docs/design.md#reference-fetch): after the
 * prefetch and its fallback, each reference the decision needs but the data lack (./reference-needs.ts)
 * is read by reference (`Type/id`) from `fhirServer` through the call's one {@link LazyFetchSession}
 * — the same reader, token, size guards and `FHIR_TIMEOUT_MS` deadline as the first stage.
 *
 * Rounds follow the chain role → its practitioner and organization → that organization's
 * cooperation partner (and a prenatal-diagnosis report's performer → a performer role's
 * organization, alongside): at most {@link MAX_REFERENCE_ROUNDS} rounds and
 * {@link MAX_REFERENCE_READS} reads per call, the reads of a round in parallel. Only references
 * relative to the server (`Organization/x`) or absolute under `fhirServer` are followed; a foreign
 * absolute URL never is. A reference that cannot be read (no fhirServer, foreign, 404, timeout,
 * network, not the resource asked for, a limit reached) is returned as unresolved with why: what
 * depends on it is "could not verify", never a finding.
 */
export const MAX_REFERENCE_ROUNDS = 3;
export const MAX_REFERENCE_READS = 8;

export interface ReferenceFetchInput {
  readonly resources: readonly Resource[];
  /** `context.patientId`: only her reports' performers are read. */
  readonly patientId?: string;
  /** The policy's value sets (local codes included), for the reports whose performer is read; none without. */
  readonly matcher?: ValueSetMatcher;
  readonly userId?: string;
  readonly encounterId?: string;
  /**
   * Queries the first stage already settled: a failure text (the key applied and failed), or
   * `null` when the EHR said there is no data. A needed reference with the same query is not read
   * again.
   */
  readonly settled: ReadonlyMap<string, string | null>;
}

export interface ReferenceFetchResult {
  /** Resources read in this stage (to add to the snapshot). */
  readonly resources: readonly Resource[];
  /** `Type/id` of each resource read. */
  readonly fetched: readonly string[];
  readonly unresolved: readonly UnresolvedReference[];
  readonly reads: number;
  readonly rounds: number;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export async function fetchReferences(input: ReferenceFetchInput, fetching: LazyFetchSession): Promise<ReferenceFetchResult> {
  const all: Resource[] = [...input.resources];
  const added: Resource[] = [];
  const unresolved: UnresolvedReference[] = [];
  const decided = new Set<string>();
  let reads = 0;
  let rounds = 0;
  const needs = (): MissingReference[] =>
    missingReferences(
      createSnapshot({
        patientId: input.patientId ?? '',
        resources: all,
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.encounterId ? { encounterId: input.encounterId } : {}),
      }),
      input.matcher,
    ).filter((n) => !decided.has(n.reference));
  for (let pending = needs(); pending.length > 0; pending = needs()) {
    if (rounds >= MAX_REFERENCE_ROUNDS) {
      for (const n of pending) unresolved.push({ reference: n.reference, reason: 'not read: reference round limit reached' });
      break;
    }
    rounds += 1;
    const reading: { need: MissingReference; query: string }[] = [];
    for (const need of pending) {
      decided.add(need.reference);
      const plan = planRead(need, input.settled, fetching);
      if (plan.kind === 'skip') continue;
      if (plan.kind === 'unresolved') unresolved.push({ reference: need.reference, reason: plan.reason });
      else if (reads >= MAX_REFERENCE_READS)
        unresolved.push({ reference: need.reference, reason: 'not read: reference read limit reached' });
      else {
        reads += 1;
        reading.push({ need, query: plan.query });
      }
    }
    const session = reading.length > 0 ? fetching.open() : undefined;
    if (!session) continue;
    const results = await Promise.all(reading.map((r) => session.reader.read(r.query, session.signal)));
    results.forEach((result, i) => {
      const need = reading[i]!.need;
      const found = result.ok ? result.resources.find((r) => `${r.resourceType}/${r.id ?? ''}` === need.reference) : undefined;
      if (found) {
        all.push(found);
        added.push(found);
      } else {
        unresolved.push({ reference: need.reference, reason: result.ok ? 'fetch answered another resource' : failureText(result) });
      }
    });
  }
  // A Practitioner user's own Practitioner comes from the prefetch key that names it; when that key
  // applied and failed, the practitioner is unresolved too (not read again).
  const own = idOf(input.userId, 'Practitioner');
  const ownFailure = own ? input.settled.get(`Practitioner/${own}`) : undefined;
  if (own && typeof ownFailure === 'string') unresolved.push({ reference: `Practitioner/${own}`, reason: ownFailure });
  return {
    resources: added,
    fetched: added.map((r) => `${r.resourceType}/${r.id ?? ''}`),
    unresolved,
    reads,
    rounds,
  };
}

type ReadPlan =
  { readonly kind: 'read'; readonly query: string } | { readonly kind: 'unresolved'; readonly reason: string } | { readonly kind: 'skip' };

function planRead(need: MissingReference, settled: ReadonlyMap<string, string | null>, fetching: LazyFetchSession): ReadPlan {
  const id = need.reference.slice(need.type.length + 1);
  if (!FHIR_ID.test(id) || /^\.+$/.test(id)) return { kind: 'unresolved', reason: 'not read: not a FHIR resource id' };
  const query = `${need.type}/${id}`;
  const earlier = settled.get(query);
  // The EHR said there is no such resource (null prefetch): final, like any no-data key.
  if (earlier === null) return { kind: 'skip' };
  if (earlier !== undefined) return { kind: 'unresolved', reason: earlier };
  if (!fetching.available) return { kind: 'unresolved', reason: 'not read: no fhirServer with fhirAuthorization' };
  if (ABSOLUTE.test(need.raw)) {
    const base = fetching.open()?.base;
    if (!base || !isUnderBase(need.raw, base)) return { kind: 'unresolved', reason: 'not read: absolute reference outside fhirServer' };
  }
  return { kind: 'read', query };
}

/** A failed read as text for logs and the undecided reason: codes and the HTTP status, no body. */
export function failureText(result: Extract<FhirReadResult, { ok: false }>): string {
  const status = result.status === undefined ? '' : ` ${result.status}`;
  const detail = result.detail === undefined ? '' : ` (${result.detail})`;
  return `fetch failed: ${result.reason}${status}${detail}`;
}
