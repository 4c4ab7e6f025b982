import { afterEach, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceId } from '../../../src/engine/rule.js';
import { packageRoot } from '../../../src/package-root.js';
import { json, sendJson, startFhirStub, type FhirStub, type StubHandler } from '../../fhir/support/fhir-stub.js';
import { resourcesOf, searchset, type HookBody } from './e2e-app.js';

/** The EHR's access token our service must present to the FHIR server (fhirAuthorization). */
export const FHIR_TOKEN = 'e2e-ehr-access-token-7c1d';

/** `prefetch` templates of a service as shipped in cds-hooks/services/<id>.json. */
export function prefetchTemplates(id: ServiceId): Record<string, string> {
  const file = join(packageRoot(), 'cds-hooks', 'services', `${id}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { prefetch: Record<string, string> }).prefetch;
}

/** `{{userXId}}` → the type `context.userId` must reference (CDS Hooks 2.0 prefetch tokens). */
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

/**
 * Renders a prefetch template the way the CDS Hooks 2.0 spec describes it (written here, not taken
 * from src): `{{context.X}}` and the `{{userXId}}` tokens, values percent-encoded. `undefined` when a
 * token does not apply to the context (no such context field; `userId` of another type): an EHR
 * omits such keys.
 */
export function renderTemplate(template: string, context: Record<string, unknown>): string | undefined {
  let applicable = true;
  const out = template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_m, token: string) => {
    let value: unknown;
    if (token.startsWith('context.')) value = context[token.slice('context.'.length)];
    else if (token in USER_TOKENS) {
      const [type, id] = String(context['userId']).split('/');
      value = type === USER_TOKENS[token] ? id : undefined;
    } else throw new Error(`token ${token} not supported by the test renderer`);
    if (value === undefined || value === null) applicable = false;
    return encodeURIComponent(String(value));
  });
  return applicable ? out : undefined;
}

/** The path on the stub (`/fhir/<query>`) that serves prefetch key `key` of `service`; `undefined` when it does not apply. */
export function stubPath(service: ServiceId, key: string, context: Record<string, unknown>): string | undefined {
  const template = prefetchTemplates(service)[key];
  if (template === undefined) throw new Error(`${service} has no prefetch key ${key}`);
  const query = renderTemplate(template, context);
  return query === undefined ? undefined : `/fhir/${query}`;
}

/** Requires `Authorization: Bearer FHIR_TOKEN`; anything else is a 401 and recorded. */
export function withBearer(handler: StubHandler, badAuth: string[]): StubHandler {
  return (req, res, stub) => {
    if (req.headers.authorization !== `Bearer ${FHIR_TOKEN}`) {
      badAuth.push(`${req.url ?? ''}: ${req.headers.authorization ?? '(none)'}`);
      sendJson(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
      return;
    }
    return handler(req, res, stub);
  };
}

export interface FallbackEhr {
  readonly stub: FhirStub;
  /** Requests whose bearer token was wrong or missing. */
  readonly badAuth: string[];
  /** The stub path of each served key. */
  readonly paths: Readonly<Record<string, string>>;
  /** Paths actually requested (query included). */
  requested(): string[];
}

export interface FallbackOptions {
  /** Keys served from the example's prefetch data (default: all of the service's keys that apply). */
  readonly keys?: readonly string[];
  /** Handlers replacing the example data for some keys. */
  readonly handlers?: Readonly<Record<string, StubHandler>>;
  /** More stub paths (`/fhir/Organization/x`), e.g. the targets of references read by reference. */
  readonly extraRoutes?: Readonly<Record<string, StubHandler>>;
}

/**
 * Starts a loopback FHIR server holding the example's data: each prefetch key's rendered query
 * answers a searchset Bundle of the example's resources (a read answers the resource). Anything
 * else is an unexpected call (recorded in `stub.unexpected`, answered 404).
 */
export async function startFallbackEhr(service: ServiceId, example: HookBody, opts: FallbackOptions = {}): Promise<FallbackEhr> {
  const templates = prefetchTemplates(service);
  const keys = opts.keys ?? Object.keys(templates);
  const badAuth: string[] = [];
  const routes: Record<string, StubHandler> = {};
  const paths: Record<string, string> = {};
  for (const key of keys) {
    const path = stubPath(service, key, example.context);
    // A key that does not apply to this request is never asked for.
    if (path === undefined) continue;
    paths[key] = path;
    const value = example.prefetch?.[key];
    const isSearch = templates[key]?.includes('?') ?? false;
    const body = isSearch ? searchset(resourcesOf(value)) : value;
    if (!isSearch && (value === undefined || value === null)) throw new Error(`example has no ${key} to serve`);
    routes[path] = withBearer(opts.handlers?.[key] ?? json(body), badAuth);
  }
  for (const [path, handler] of Object.entries(opts.extraRoutes ?? {})) routes[path] = withBearer(handler, badAuth);
  const stub = await startFhirStub(routes);
  return { stub, badAuth, paths, requested: () => stub.calls.map((c) => c.url) };
}

/** The example turned into a request against `ehr`, with the test's access token and `prefetch` as given. */
export function againstEhr(example: HookBody, fhirServer: string, prefetch: Record<string, unknown> | undefined): HookBody {
  const { prefetch: _dropped, ...rest } = example;
  return {
    ...rest,
    fhirServer,
    fhirAuthorization: { ...(example.fhirAuthorization ?? {}), access_token: FHIR_TOKEN, token_type: 'Bearer' },
    ...(prefetch === undefined ? {} : { prefetch }),
  };
}

/**
 * For a suite: `viaFhir(service, body)` turns a request into the same request without prefetch,
 * against a loopback FHIR server holding its data. Every server is closed after its test, which
 * fails if the service made an unexpected FHIR call or one without the bearer token.
 */
export function useFallbackEhrs(): (service: ServiceId, body: HookBody) => Promise<HookBody> {
  const ehrs: FallbackEhr[] = [];
  afterEach(async () => {
    for (const e of ehrs.splice(0)) {
      await e.stub.close();
      expect(e.stub.unexpected, 'unexpected FHIR calls').toEqual([]);
      expect(e.badAuth, 'FHIR calls without the bearer token').toEqual([]);
    }
  });
  return async (service, body) => {
    const fhir = await startFallbackEhr(service, body);
    ehrs.push(fhir);
    return againstEhr(body, fhir.stub.fhirServer, undefined);
  };
}
