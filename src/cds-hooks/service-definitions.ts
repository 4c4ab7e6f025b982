import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { ServiceDefinition } from './wire.js';
import { packageRoot } from '../package-root.js';
import { SERVICE_HOOKS, SUPPORTED_HOOKS, isServiceId } from './hooks.js';

/** Extension key listing the prefetch keys a service cannot decide without (→ 412). */
export const REQUIRED_PREFETCH_EXTENSION = 'org.prenatal-cds.requiredPrefetch';

/** Prefetch tokens of CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/#prefetch-tokens). */
const USER_TOKENS = ['userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId'];
const CONTEXT_TOKENS = ['patientId', 'encounterId', 'userId'];

/**
 * A service definition file in `cds-hooks/services/` (https://cds-hooks.hl7.org/2.0/#response):
 * strict, so a typo fails the start rather than silently vanishing from discovery.
 */
export const definitionFileSchema = z
  .strictObject({
    id: z.string().min(1).refine(isServiceId, 'is not a ServiceId of src/clinical/rule.ts'),
    hook: z.enum(SUPPORTED_HOOKS),
    title: z.string().min(1),
    description: z.string().min(1),
    prefetch: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().min(1)).default({}),
    extension: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((d, ctx) => {
    if (isServiceId(d.id) && SERVICE_HOOKS[d.id] !== d.hook) {
      ctx.addIssue({ code: 'custom', message: `service ${d.id} must use hook ${SERVICE_HOOKS[d.id]}`, path: ['hook'] });
    }
    for (const [key, template] of Object.entries(d.prefetch)) {
      for (const m of template.matchAll(/\{\{([^}]*)\}\}/g)) {
        const token = (m[1] ?? '').trim();
        const ok = USER_TOKENS.includes(token) || (token.startsWith('context.') && CONTEXT_TOKENS.includes(token.slice(8)));
        if (!ok) ctx.addIssue({ code: 'custom', message: `unknown prefetch token {{${token}}}`, path: ['prefetch', key] });
      }
    }
    const required = d.extension?.[REQUIRED_PREFETCH_EXTENSION];
    if (required !== undefined) {
      const r = z.array(z.string()).safeParse(required);
      if (!r.success)
        ctx.addIssue({ code: 'custom', message: 'must be an array of prefetch keys', path: ['extension', REQUIRED_PREFETCH_EXTENSION] });
      else
        for (const k of r.data) {
          if (!(k in d.prefetch))
            ctx.addIssue({
              code: 'custom',
              message: `required key ${k} is not a prefetch key`,
              path: ['extension', REQUIRED_PREFETCH_EXTENSION],
            });
        }
    }
  });

/** Default location: `<package root>/cds-hooks/services`. */
export function defaultServicesDir(): string {
  return join(packageRoot(), 'cds-hooks', 'services');
}

/**
 * Loads and validates every `*.json` in `dir` (sync, once at start). Throws an Error naming the file
 * and path of the first problem; ids must be unique and each file named `<id>.json`.
 */
export function loadServiceDefinitions(dir: string = defaultServicesDir()): readonly ServiceDefinition[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const seen = new Set<string>();
  const defs = files.map((file) => {
    const path = join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`service definition ${file}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
    const r = definitionFileSchema.safeParse(raw);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`service definition ${file}: ${i?.message ?? 'invalid'} at ${i?.path.join('.') || '(root)'}`);
    }
    const d = r.data;
    if (!isServiceId(d.id)) throw new Error(`service definition ${file}: unknown id`);
    if (basename(file, '.json') !== d.id) throw new Error(`service definition ${file}: file name must be ${d.id}.json`);
    if (seen.has(d.id)) throw new Error(`service definition ${file}: duplicate id ${d.id}`);
    seen.add(d.id);
    const requiredPrefetch = (d.extension?.[REQUIRED_PREFETCH_EXTENSION] as string[] | undefined) ?? [];
    const def: ServiceDefinition = {
      id: d.id,
      hook: d.hook,
      title: d.title,
      description: d.description,
      prefetch: Object.freeze({ ...d.prefetch }),
      requiredPrefetch: Object.freeze([...requiredPrefetch]),
      ...(d.extension ? { extension: Object.freeze({ ...d.extension }) } : {}),
    };
    return Object.freeze(def);
  });
  if (defs.length === 0) throw new Error(`no service definitions in ${dir}`);
  return Object.freeze(defs);
}
