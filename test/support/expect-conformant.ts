import { expect } from 'vitest';
import { checkResponseConformance } from '../../src/cds-hooks/conformance.js';

/**
 * Every HTTP test that gets a 200 from a service call passes its body through this: CDS Hooks 2.0
 * response schema + our invariants (unique UUIDs, findings extension with known rule ids).
 */
export function expectConformant(body: unknown): void {
  expect(checkResponseConformance(body), 'CDS Hooks response conformance problems').toEqual([]);
}
