import type { Resource } from '@medplum/fhirtypes';
import { checkResourceShape, describeShapeProblem } from './r4-shape.js';

/**
 * The state of one prefetch key (https://cds-hooks.hl7.org/2.0/#prefetch-template and
 * docs/design.md#prefetch):
 *
 * - `present`: a resource, or a Bundle whose entries are flattened (`_include`d resources too);
 * - `no-data`: `null`, or a Bundle with no entries — final, the EHR says there is nothing;
 * - `failed`: an OperationOutcome in place of the value, or a value that is not a FHIR resource
 *   (string, number, array, object without `resourceType`, Bundle with malformed entries), or a
 *   resource whose JSON shape is not FHIR R4 (`malformed-resource`, see ./r4-shape.ts: wrong JSON
 *   types would crash rules that trust R4 shapes, so the whole value is refused);
 * - `absent`: the key is not in `prefetch` (or `prefetch` itself is missing).
 *
 * `failed` carries a reason code, never the content of the value (logs name keys, not data).
 */
export type PrefetchState =
  | { readonly state: 'present'; readonly resources: readonly Resource[] }
  | { readonly state: 'no-data' }
  | { readonly state: 'failed'; readonly reason: PrefetchFailure; readonly detail?: string }
  | { readonly state: 'absent' };

/** Why a value was classified `failed`. */
export type PrefetchFailure = 'operation-outcome' | 'wrong-type' | 'malformed-resource';

/** A plain object with a string `resourceType`: the structural test for "is a FHIR resource". */
export function isResourceObject(value: unknown): value is Resource {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string' &&
    (value as { resourceType: string }).resourceType !== ''
  );
}

/**
 * Flattens a Bundle into its entries' resources (every entry, whatever its `search.mode`, so
 * `_include`d resources come along), leaving out `search.mode = outcome` OperationOutcomes that a
 * server adds as warnings. `undefined` when an entry is malformed.
 */
export function bundleResources(bundle: Resource & { resourceType: 'Bundle' }): Resource[] | undefined {
  const entries: unknown = (bundle as { entry?: unknown }).entry;
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) return undefined;
  const out: Resource[] = [];
  for (const e of entries as unknown[]) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
    const resource = (e as { resource?: unknown }).resource;
    if (resource === undefined) continue;
    if (!isResourceObject(resource)) return undefined;
    const mode = (e as { search?: { mode?: unknown } }).search?.mode;
    if (resource.resourceType === 'OperationOutcome' && mode === 'outcome') continue;
    out.push(resource);
  }
  return out;
}

/** Classifies one value as it arrived (prefetched, or fetched from the FHIR server). */
export function classifyValue(value: unknown): Exclude<PrefetchState, { state: 'absent' }> {
  if (value === null) return { state: 'no-data' };
  if (!isResourceObject(value)) return { state: 'failed', reason: 'wrong-type' };
  if (value.resourceType === 'OperationOutcome') return { state: 'failed', reason: 'operation-outcome' };
  const resources = value.resourceType === 'Bundle' ? bundleResources(value) : [value];
  if (resources === undefined) return { state: 'failed', reason: 'wrong-type' };
  // One walk over the whole value (a Bundle with its entries' resources).
  const problem = checkResourceShape(value);
  if (problem) return { state: 'failed', reason: 'malformed-resource', detail: describeShapeProblem(problem) };
  return resources.length === 0 ? { state: 'no-data' } : { state: 'present', resources };
}

/** Classifies the prefetch value of `key`; a missing `prefetch` member makes every key `absent`. */
export function classifyPrefetch(prefetch: Readonly<Record<string, unknown>> | undefined, key: string): PrefetchState {
  if (!prefetch || !Object.prototype.hasOwnProperty.call(prefetch, key)) return { state: 'absent' };
  const value = prefetch[key];
  if (value === undefined) return { state: 'absent' };
  return classifyValue(value);
}
