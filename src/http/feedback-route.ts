import type { RequestHandler } from 'express';
import { parseFeedback } from '../cds-hooks/feedback-schema.js';
import { AppError } from '../errors/app-error.js';
import type { AppDeps } from '../ports.js';
import type { FeedbackRecord } from '../store/records.js';
import type { ServiceDefinition } from '../cds-hooks/wire.js';
import { authenticateCall, type EhrCallGate } from './auth-failure-limit.js';
import { assertFeedbackBound, assertIssuedCards } from './feedback-checks.js';
import { readJsonBody } from './read-json-body.js';
import { definitionFor } from './service-route.js';

/**
 * `POST /cds-services/{id}/feedback` (https://cds-hooks.hl7.org/2.0/#feedback): authenticate from the
 * headers (aud = this feedback URL) → rate limit → body → validate → store every item (batch;
 * repeats accepted) → 200 `{}` only once all are stored.
 */
export function feedbackHandler(deps: AppDeps, defs: ReadonlyMap<string, ServiceDefinition>, gate: EhrCallGate): RequestHandler {
  return async (req, res) => {
    const def = definitionFor(defs, req, res);
    const auth = await authenticateCall(gate, req, res, `${deps.config.publicBaseUrl}/cds-services/${def.id}/feedback`);
    const body = await readJsonBody(req, deps.config);
    assertFeedbackBound(body, deps.config.feedbackMaxItems);
    const parsed = parseFeedback(body);
    if (!parsed.ok) throw new AppError('invalid-feedback', parsed.issues);
    await assertIssuedCards(deps.feedback, { serviceId: def.id, issuer: auth.issuer, tenant: auth.tenant }, parsed.value.feedback);
    const receivedAt = deps.clock.now().instant;
    const records: FeedbackRecord[] = parsed.value.feedback.map((item) => ({ serviceId: def.id, receivedAt, issuer: auth.issuer, item }));
    await deps.feedback.append(records);
    res.status(200).json({});
  };
}
