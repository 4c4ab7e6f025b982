import type { Request, RequestHandler, Response } from 'express';
import { authorizeFhirServer } from '../auth/authorize-fhir-server.js';
import { AppError } from '../errors/app-error.js';
import type { AppDeps } from '../ports.js';
import type { ServiceDefinition } from '../cds-hooks/wire.js';
import { everyRuleFailed, type ServiceResult } from '../engine/service.js';
import { patientMrn as patientMrnOf } from '../clinical/patient-mrn.js';
import { hookCallRecord } from './hook-call-record.js';
import { authenticateCall, type EhrCallGate } from './auth-failure-limit.js';
import { readJsonBody } from './read-json-body.js';
import { logRuleErrors, unanswered } from './rule-failures.js';
import { noteHookInstance, type RequestLogLocals } from './request-log.js';
import { requestLogger } from './request-id.js';
import { validateHookRequest } from './validate-hook-request.js';

/** Finds the definition for `:id`, or 404 `unknown-service`. */
export function definitionFor(defs: ReadonlyMap<string, ServiceDefinition>, req: Request, res: Response): ServiceDefinition {
  const id = req.params.id;
  const def = typeof id === 'string' ? defs.get(id) : undefined;
  if (!def) throw new AppError('unknown-service');
  (res.locals as RequestLogLocals).serviceId = def.id;
  return def;
}

/** An AbortSignal that fires if the client goes away before we answer (stops FHIR fetches). */
function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Seconds since `t` (a `performance.now()` reading), for the stage histograms. */
const since = (t: number): number => (performance.now() - t) / 1000;

function stringMember(body: unknown, key: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `POST /cds-services/{id}` (https://cds-hooks.hl7.org/2.0/#calling-a-cds-service): authenticate from
 * the headers (aud = this endpoint; nothing of the body is read for an unauthenticated caller) →
 * rate limit → body → `fhirServer` allow-list → validate → snapshot (prefetch, then fetch; 412) →
 * handler. No business logic here.
 */
export function serviceCallHandler(deps: AppDeps, defs: ReadonlyMap<string, ServiceDefinition>, gate: EhrCallGate): RequestHandler {
  return async (req, res) => {
    const def = definitionFor(defs, req, res);
    // Stage latencies and outcome counts (docs/design.md#metrics); the total is timed by the request log.
    const stages = deps.metrics?.service(def.id)?.stage;
    const auth = await authenticateCall(gate, req, res, `${deps.config.publicBaseUrl}/cds-services/${def.id}`);
    const body = await readJsonBody(req, deps.config);
    noteHookInstance(res.locals as RequestLogLocals, body);
    const started = performance.now();
    // The one clock reading of the call: stored as its time, and given to the rules as their "now".
    const now = deps.clock.now();
    const log = requestLogger(res, deps.logger);
    authorizeFhirServer(auth, stringMember(body, 'fhirServer'), log);
    const request = validateHookRequest(def, body);
    // Her record number, once the snapshot is read (docs/design.md#patient-identity).
    let patientMrn: string | undefined;
    const record = async (status: number, result?: ServiceResult) => {
      const committing = performance.now();
      try {
        await deps.recordHookCall(
          hookCallRecord({ def, request, auth, now, status, latencyMs: Math.round(performance.now() - started), result, patientMrn }),
        );
      } finally {
        stages?.store_commit.observe(since(committing));
      }
    };
    let result: ServiceResult;
    try {
      const loading = performance.now();
      const snapshot = await deps.loadSnapshot(def, request, abortOnClose(res), log);
      stages?.fhir_fetch.observe(since(loading));
      patientMrn = patientMrnOf(snapshot.patient, deps.config.mrnSystem);
      if (snapshot.patientNoData) {
        // prefetch.patient null: the EHR says there is no such patient — nothing to say (docs/design.md#prefetch).
        await record(200);
        res.status(200).json({ cards: [] });
        return;
      }
      const ruling = performance.now();
      result = await deps.services[def.id]({
        snapshot,
        request,
        now,
        ...(auth.institution ? { issuerInstitution: auth.institution } : {}),
        ehr: { issuer: auth.issuer, ...(auth.tenant ? { tenant: auth.tenant } : {}) },
      });
      stages?.rules.observe(since(ruling));
    } catch (e) {
      // A call that could not be answered (e.g. 412) is audited too; the original error is answered.
      if (e instanceof AppError && e.code !== 'store-unavailable') await record(e.status).catch(() => undefined);
      throw e;
    }
    logRuleErrors(log, { serviceId: def.id, hookInstance: request.hookInstance }, result.ruleErrors);
    // Every rule that ran threw: no cards is not "no indication" (docs/design.md#rule-failures). Audited, then 500.
    if (everyRuleFailed(result)) {
      await record(500, unanswered(result));
      deps.metrics?.outcomes(result);
      throw new AppError('internal-error', [{ message: 'every rule of the service failed' }]);
    }
    // The audit record — and the notice the card links to — is durable before the answer leaves.
    await record(200, result);
    deps.metrics?.outcomes(result);
    res.status(200).json({ cards: result.cards.map((c) => c.card) });
  };
}
