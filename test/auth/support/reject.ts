import { expect } from 'vitest';
import { AppError } from '../../../src/errors/app-error.js';

/** Awaits a rejection and returns its reason code, asserting it is AppError('unauthorized'). */
export async function rejectionReason(p: Promise<unknown>): Promise<string> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const app = err as AppError;
  expect(app.code).toBe('unauthorized');
  expect(app.status).toBe(401);
  expect(app.details).toHaveLength(1);
  return app.details[0]?.message ?? '';
}
