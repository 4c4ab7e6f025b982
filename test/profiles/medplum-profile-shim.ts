/**
 * Adapts our generated StructureDefinitions to what @medplum/core 4.5's validator checks, without
 * changing them on disk:
 * - an extension slice in a snapshot carries only `type.profile`; medplum matches a slice by its
 *   `url` child, so a `<slice>.url` element with `fixedUri` = the extension's URL is added;
 * - medplum applies a profile's constraints to top-level elements only (backbone elements are
 *   validated against the base type), so each backbone element (`Practitioner.qualification`,
 *   `Communication.payload`) becomes a sub-profile of its own, validated per value;
 * - medplum finds a choice element (`value[x]`) by the base type's list, so a type the profile
 *   excludes (`valueString` where only `valueDateTime` is allowed) is reported here.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

/** A backbone element's own profile, and where its values are in a resource. */
export interface BackboneProfile {
  /** Path below the resource root, e.g. `qualification` (dotted for nested backbones). */
  readonly path: string;
  /** Medplum's inner type name, e.g. `PractitionerQualification`. */
  readonly typeName: string;
  readonly profile: StructureDefinition;
}

function isExtensionSlice(e: ElementDefinition): boolean {
  return !!e.sliceName && e.type?.length === 1 && e.type[0]?.code === 'Extension' && !!e.type[0].profile?.[0];
}

/** The snapshot with a fixed `url` child under every extension slice that lacks one. */
export function withExtensionSliceUrls(elements: readonly ElementDefinition[]): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  for (const e of elements) {
    out.push(e);
    if (!isExtensionSlice(e) || elements.some((x) => x.id === `${e.id}.url`)) continue;
    out.push({ id: `${e.id}.url`, path: `${e.path}.url`, min: 1, max: '1', type: [{ code: 'uri' }], fixedUri: e.type![0]!.profile![0]! });
  }
  return out;
}

function typeNameOf(path: string): string {
  return path
    .split('.')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function rebase(e: ElementDefinition, from: string, to: string): ElementDefinition {
  const swap = (s: string): string => (s === from || s.startsWith(`${from}.`) || s.startsWith(`${from}:`) ? to + s.slice(from.length) : s);
  return { ...e, id: e.id === undefined ? undefined : swap(e.id), path: swap(e.path ?? '') };
}

/** Sub-profiles of the (unsliced) backbone elements of a profile that constrains them. */
export function backboneProfiles(sd: StructureDefinition): BackboneProfile[] {
  const elements = withExtensionSliceUrls(sd.snapshot?.element ?? []);
  const root = sd.type ?? '';
  const out: BackboneProfile[] = [];
  for (const e of elements) {
    if (!e.id || e.id.includes(':') || e.id === root || e.type?.[0]?.code !== 'BackboneElement') continue;
    const children = elements.filter((x) => x.id?.startsWith(`${e.id}.`));
    if (children.length === 0) continue;
    const typeName = typeNameOf(e.path ?? e.id);
    const snapshot = [
      rebase({ ...e, min: 0, max: '*', type: undefined, base: undefined }, e.id, typeName),
      ...children.map((c) => rebase(c, e.id!, typeName)),
    ];
    out.push({
      path: e.id.slice(root.length + 1),
      typeName,
      profile: {
        resourceType: 'StructureDefinition',
        url: `${sd.url}#${e.id}`,
        name: typeName,
        status: 'draft',
        kind: 'complex-type',
        abstract: false,
        type: typeName,
        snapshot: { element: snapshot },
      },
    });
  }
  return out;
}

/** The values at a dotted path below `root` (arrays flattened), each with its JSON path. */
export function valuesAt(root: unknown, path: string, prefix: string): [unknown, string][] {
  let current: [unknown, string][] = [[root, prefix]];
  for (const key of path.split('.')) {
    const next: [unknown, string][] = [];
    for (const [v, p] of current) {
      const child = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      if (Array.isArray(child)) child.forEach((c, i) => next.push([c, `${p}.${key}[${i}]`]));
      else if (child !== undefined) next.push([child, `${p}.${key}`]);
    }
    current = next;
  }
  return current;
}

/** The profile with extension-slice URLs added (for the top-level validation). */
export function shimProfile(sd: StructureDefinition): StructureDefinition {
  return { ...sd, snapshot: { ...sd.snapshot, element: withExtensionSliceUrls(sd.snapshot?.element ?? []) } };
}

/** A choice-type value whose type the profile does not allow (`[path, key, allowed types]`). */
export function disallowedChoiceTypes(sd: StructureDefinition, resource: unknown): { path: string; message: string }[] {
  const root = sd.type ?? '';
  const out: { path: string; message: string }[] = [];
  for (const e of sd.snapshot?.element ?? []) {
    if (!e.id || e.id.includes(':') || !e.id.endsWith('[x]') || !e.type?.length) continue;
    const allowed = e.type.map((t) => t.code ?? '');
    const dotted = e.id.slice(root.length + 1);
    const parentPath = dotted.includes('.') ? dotted.slice(0, dotted.lastIndexOf('.')) : '';
    const name = dotted.slice(dotted.lastIndexOf('.') + 1, -3);
    const parents = parentPath ? valuesAt(resource, parentPath, root) : [[resource, root] as [unknown, string]];
    for (const [parent, path] of parents) {
      if (!parent || typeof parent !== 'object') continue;
      for (const key of Object.keys(parent)) {
        const suffix = key.startsWith(name) ? key.slice(name.length) : '';
        if (!/^[A-Z]/.test(suffix) || allowed.some((t) => t.toLowerCase() === suffix.toLowerCase())) continue;
        out.push({ path: `${path}.${key}`, message: `Type ${suffix} is not allowed for ${e.id} (allowed: ${allowed.join(', ')})` });
      }
    }
  }
  return out;
}
