import type { OperationOutcome } from '@medplum/fhirtypes';
import { ERRORS, ERROR_CODE_SYSTEM, type ErrorCode } from './catalogue.js';

/** One problem in a request, as data: where (FHIRPath-ish or JSON path) and what. */
export interface IssueDetail {
  readonly path?: string;
  readonly message: string;
}

/**
 * An expected failure with a catalogue code. Thrown by edges (HTTP, auth, FHIR adapter) and turned
 * into an OperationOutcome by the HTTP error handler. `details` must never contain tokens, stack
 * traces or resource bodies. For `unauthorized`, details are logged but never sent.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly IssueDetail[];
  constructor(code: ErrorCode, details: readonly IssueDetail[] = [], options?: { cause?: unknown }) {
    super(`${code}: ${ERRORS[code].text}`, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** Builds the OperationOutcome body for an error code (one issue per detail, or one). */
export function operationOutcome(code: ErrorCode, details: readonly IssueDetail[] = []): OperationOutcome {
  const def = ERRORS[code];
  const coding = [{ system: ERROR_CODE_SYSTEM, code }];
  const severity = def.status >= 500 ? 'fatal' : 'error';
  const issues =
    details.length === 0
      ? [{ severity, code: def.issueType, details: { coding, text: def.text } }]
      : details.map((d) => ({
          severity,
          code: def.issueType,
          details: { coding, text: def.text },
          diagnostics: d.message,
          ...(d.path ? { expression: [d.path] } : {}),
        }));
  return { resourceType: 'OperationOutcome', issue: issues } as OperationOutcome;
}
