import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import { SYSTEMS } from '../codes.js';
import type { Policy } from '../policy.js';
import { VALUE_SETS } from './catalogue.js';
import type { ValueSetDefinition } from './types.js';

/**
 * Value-set membership, compiled once per policy (shipped VALUE_SETS + `policy.localCodes`) into
 * hash lookups (docs/rules.md#value-sets). ICD-10 — every URI of `policy.ICD10_SYSTEMS`, and
 * `http://hl7.org/fhir/sid/icd-10` always, is one system here — is compared without the dot and
 * case-insensitively; prefixes match `O35` → `O35.0`, `O35.001` (national clinical-edition codes
 * such as `Q90.900` extend an ICD-10 code), exclusions are prefixes too, and the hospital's ICD-10
 * local codes are prefixes as well. Other systems compare system and code exactly (codes trimmed).
 */
export interface ValueSetMatcher {
  /** Whether a coding, or any coding of a CodeableConcept, is in value set `id` (unknown id throws). */
  inValueSet(id: string, c: Coding | CodeableConcept | undefined): boolean;
  /** The first coding of a CodeableConcept in value set `id`. */
  matchingCoding(id: string, c: CodeableConcept | undefined): Coding | undefined;
  /**
   * The value-set ids of each coding of a CodeableConcept (in coding order): `inValueSet(id, c)` is
   * "some set has `id`". For indexing many resources against every value set in one pass.
   */
  valueSetsOf(c: CodeableConcept | undefined): readonly ReadonlySet<string>[];
  /** Throws for an id that names no value set (as `inValueSet` does). */
  assertKnown(id: string): void;
  readonly ids: readonly string[];
}

/** The policy keys the matcher reads (`ICD10_SYSTEMS` defaults as in the policy). */
export type MatcherPolicy = Pick<Policy, 'localCodes'> & Partial<Pick<Policy, 'ICD10_SYSTEMS'>>;

/** The ICD-10 URIs of the default policy. */
export const DEFAULT_ICD10_SYSTEMS: readonly string[] = Object.freeze([SYSTEMS.icd10, SYSTEMS.icd10cn]);

type Norm = (system: string, code: string) => [string, string];

/** Normalisation of (system, code): ICD-10 aliases become `…/icd-10`, the code dotless upper case. */
function normFor(icd10Systems: readonly string[] = DEFAULT_ICD10_SYSTEMS): Norm {
  const icd = new Set<string>([SYSTEMS.icd10, ...icd10Systems]);
  return (system, code) => (icd.has(system) ? [SYSTEMS.icd10, code.trim().toUpperCase().replace(/\./g, '')] : [system, code.trim()]);
}

interface Compiled {
  readonly exact: Set<string>;
  readonly prefixes: readonly { system: string; prefixes: string[]; exclude: string[] }[];
}

function compileOne(def: ValueSetDefinition, local: readonly { system: string; code: string }[], norm: Norm): Compiled {
  const exact = new Set<string>();
  for (const inc of def.include) for (const code of inc.codes) exact.add(norm(inc.system, code).join('|'));
  const prefixes = (def.prefixes ?? []).map((p) => ({
    system: norm(p.system, '')[0],
    prefixes: p.prefixes.map((x) => norm(p.system, x)[1]),
    exclude: (p.exclude ?? []).map((x) => norm(p.system, x)[1]),
  }));
  // A hospital's ICD-10 code covers its clinical-edition extensions (`Q54` → `Q54.000x001`).
  const localIcd: string[] = [];
  for (const l of local) {
    const [system, code] = norm(l.system, l.code);
    if (system === SYSTEMS.icd10) localIcd.push(code);
    else exact.add(`${system}|${code}`);
  }
  if (localIcd.length > 0) prefixes.push({ system: SYSTEMS.icd10, prefixes: localIcd, exclude: [] });
  return { exact, prefixes };
}

function codingMatches(c: Compiled, coding: Coding, norm: Norm): boolean {
  if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return false;
  const [system, code] = norm(coding.system, coding.code);
  if (code === '') return false;
  if (c.exact.has(`${system}|${code}`)) return true;
  return c.prefixes.some(
    (p) => p.system === system && p.prefixes.some((x) => code.startsWith(x)) && !p.exclude.some((x) => code.startsWith(x)),
  );
}

function codingsOf(c: Coding | CodeableConcept | undefined): readonly Coding[] {
  if (!c || typeof c !== 'object') return [];
  if ('coding' in c || 'text' in c) return Array.isArray((c as CodeableConcept).coding) ? (c as CodeableConcept).coding! : [];
  return [c as Coding];
}

/**
 * `policy.localCodes` keys that name no value set (a typo would silently add nothing): the config
 * loader should reject a policy for which this is non-empty.
 */
export function unknownLocalCodeIds(
  policy: Pick<Policy, 'localCodes'>,
  valueSets: Readonly<Record<string, ValueSetDefinition>> = VALUE_SETS,
): string[] {
  return Object.keys(policy.localCodes).filter((id) => !valueSets[id]);
}

interface PrefixRule {
  readonly id: string;
  readonly system: string;
  readonly prefixes: readonly string[];
  readonly exclude: readonly string[];
}

const NO_SETS: ReadonlySet<string> = new Set();

/** Most (system, code) pairs a matcher keeps the membership of (then it starts afresh). */
export const MEMBERSHIP_CACHE_LIMIT = 10_000;
/**
 * Longest system + code (characters) whose membership is kept; longer ones are computed each time.
 * Real systems and codes are far shorter; with the count bound, hostile codes hold at most ≈ 4 MB.
 */
const MEMBERSHIP_KEY_LIMIT = 200;

/**
 * Compiles the matcher for a policy (local codes under an unknown id are ignored; see above).
 *
 * Membership is answered per coding, not per (coding, value set): a coding is normalised once and
 * looked up once in an index of every value set's exact codes (code → value-set ids), then checked
 * against the prefix rules of its system. The resulting set of value-set ids is kept per (system,
 * code), so the dozens of value sets the rules ask about cost one set lookup each, and a code seen
 * before costs two map lookups. Same answers as `codingMatches` per value set (tested against it).
 */
export function compileMatcher(
  policy: MatcherPolicy,
  valueSets: Readonly<Record<string, ValueSetDefinition>> = VALUE_SETS,
): ValueSetMatcher {
  const norm = normFor(policy.ICD10_SYSTEMS);
  const known = new Set<string>();
  const exactIndex = new Map<string, string[]>();
  const prefixRules: PrefixRule[] = [];
  for (const def of Object.values(valueSets)) {
    known.add(def.id);
    const c = compileOne(def, policy.localCodes[def.id] ?? [], norm);
    for (const key of c.exact) {
      const ids = exactIndex.get(key);
      if (ids === undefined) exactIndex.set(key, [def.id]);
      else if (!ids.includes(def.id)) ids.push(def.id);
    }
    for (const p of c.prefixes) prefixRules.push({ id: def.id, ...p });
  }
  const check = (id: string): void => {
    if (!known.has(id)) throw new Error(`unknown value set "${id}"`);
  };

  function computeMembership(coding: Coding): ReadonlySet<string> {
    if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return NO_SETS;
    const [system, code] = norm(coding.system, coding.code);
    if (code === '') return NO_SETS;
    let out: Set<string> | undefined;
    const exact = exactIndex.get(`${system}|${code}`);
    if (exact) out = new Set(exact);
    for (const p of prefixRules) {
      if (p.system === system && p.prefixes.some((x) => code.startsWith(x)) && !p.exclude.some((x) => code.startsWith(x))) {
        (out ??= new Set()).add(p.id);
      }
    }
    return out ?? NO_SETS;
  }

  // Membership depends on a coding's system and code strings alone, so it is kept per (system,
  // code) for as long as the matcher lives: a record repeats a few codes many times over, and the
  // next request repeats them again. Not per coding object in a WeakMap: a long-lived WeakMap given
  // thousands of new keys a request costs more to insert into (and to trace in every GC) than the
  // membership itself. Bounded: long strings are not kept, and the table starts afresh when full.
  const bySystem = new Map<string, Map<string, ReadonlySet<string>>>();
  let kept = 0;
  function membership(coding: Coding): ReadonlySet<string> {
    if (typeof coding !== 'object' || coding === null) return NO_SETS;
    const { system, code } = coding;
    if (typeof system !== 'string' || typeof code !== 'string') return NO_SETS;
    let codes = bySystem.get(system);
    const hit = codes?.get(code);
    if (hit !== undefined) return hit;
    const sets = computeMembership(coding);
    if (system.length + code.length > MEMBERSHIP_KEY_LIMIT) return sets;
    if (kept >= MEMBERSHIP_CACHE_LIMIT) {
      bySystem.clear();
      kept = 0;
      codes = undefined;
    }
    if (codes === undefined) bySystem.set(system, (codes = new Map()));
    codes.set(code, sets);
    kept += 1;
    return sets;
  }

  return {
    ids: Object.freeze([...known]),
    inValueSet: (id, c) => {
      check(id);
      return codingsOf(c).some((coding) => membership(coding).has(id));
    },
    matchingCoding: (id, c) => {
      check(id);
      return codingsOf(c).find((coding) => membership(coding).has(id));
    },
    valueSetsOf: (c) => codingsOf(c).map(membership),
    assertKnown: check,
  };
}

/** The per-value-set reference check (one value set, one coding), kept for equivalence tests. */
export function referenceMatches(
  def: ValueSetDefinition,
  local: readonly { system: string; code: string }[],
  coding: Coding,
  icd10Systems?: readonly string[],
): boolean {
  const norm = normFor(icd10Systems);
  return codingMatches(compileOne(def, local, norm), coding, norm);
}

const cache = new WeakMap<object, ValueSetMatcher>();

/** The matcher of a policy, compiled on first use and reused for that (frozen) policy object. */
export function matcherFor(policy: Policy): ValueSetMatcher {
  let m = cache.get(policy);
  if (!m) cache.set(policy, (m = compileMatcher(policy)));
  return m;
}
