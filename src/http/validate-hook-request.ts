import { parseHookContext, parseHookRequest } from '../cds-hooks/request-schema.js';
import { isSupportedHook } from '../cds-hooks/hooks.js';
import { AppError } from '../errors/app-error.js';
import type { HookRequest, ServiceDefinition } from '../cds-hooks/wire.js';

/**
 * Validates a parsed body as a request to `def`: the CDS Hooks 2.0 envelope, then the hook (must be
 * the service's: `hook-mismatch`), then the hook's context. Throws 400 with issue paths as data.
 */
export function validateHookRequest(def: ServiceDefinition, body: unknown): HookRequest {
  const envelope = parseHookRequest(body);
  if (!envelope.ok) throw new AppError('invalid-request', envelope.issues);
  const request = envelope.value;
  if (request.hook !== def.hook || !isSupportedHook(def.hook)) {
    throw new AppError('hook-mismatch', [{ path: 'hook', message: `service ${def.id} answers hook ${def.hook}` }]);
  }
  const context = parseHookContext(def.hook, request.context);
  if (!context.ok) throw new AppError('invalid-request', context.issues);
  return { ...request, context: context.value };
}
