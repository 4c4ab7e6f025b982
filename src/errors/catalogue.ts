/**
 * The error catalogue: every error the service answers with has a stable code here.
 * Codes are an interface (EHR integrators match on them); the README lists them and a test keeps
 * the two in sync. Wording lives with the code; details never include stack traces or tokens.
 *
 * Wire shape: a FHIR OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html) whose
 * issue carries `details.coding[0]` = { system: ERROR_CODE_SYSTEM, code }.
 */
export const ERROR_CODE_SYSTEM = 'http://prenatal-cds.org/fhir/CodeSystem/error-code';

export interface ErrorDefinition {
  /** HTTP status. */
  readonly status: number;
  /** FHIR IssueType (https://hl7.org/fhir/R4/valueset-issue-type.html). */
  readonly issueType:
    | 'invalid'
    | 'security'
    | 'not-found'
    | 'not-supported'
    | 'too-costly'
    | 'exception'
    | 'incomplete'
    | 'transient'
    | 'throttled'
    | 'processing'
    | 'conflict';
  /** Human text (English), stable. */
  readonly text: string;
}

export const ERRORS = {
  'malformed-json': { status: 400, issueType: 'invalid', text: 'The request body is not valid JSON.' },
  'invalid-request': { status: 400, issueType: 'invalid', text: 'The request does not conform to the CDS Hooks 2.0 request schema.' },
  'invalid-feedback': { status: 400, issueType: 'invalid', text: 'The feedback does not conform to the CDS Hooks 2.0 feedback schema.' },
  'invalid-acknowledgement': { status: 400, issueType: 'invalid', text: 'The notice acknowledgement is not valid.' },
  'invalid-query': { status: 400, issueType: 'invalid', text: 'The query parameters are not valid.' },
  'invalid-bundle': { status: 400, issueType: 'invalid', text: 'The body is not a FHIR Bundle of the expected resources.' },
  'hook-mismatch': { status: 400, issueType: 'invalid', text: 'The request hook does not match the hook of this service.' },
  unauthorized: { status: 401, issueType: 'security', text: 'Authentication failed.' },
  forbidden: { status: 403, issueType: 'security', text: 'Not allowed.' },
  'unknown-service': { status: 404, issueType: 'not-found', text: 'No CDS service with this id.' },
  'not-found': { status: 404, issueType: 'not-found', text: 'Not found.' },
  'method-not-allowed': { status: 405, issueType: 'not-supported', text: 'Method not allowed on this resource.' },
  conflict: { status: 409, issueType: 'conflict', text: 'A record with this id already exists with different content.' },
  'data-unavailable': { status: 412, issueType: 'incomplete', text: 'Required FHIR data could be neither prefetched nor fetched.' },
  'payload-too-large': { status: 413, issueType: 'too-costly', text: 'The request body is too large.' },
  'unsupported-media-type': {
    status: 415,
    issueType: 'not-supported',
    text: 'Content-Type must be application/json or application/fhir+json.',
  },
  'rate-limited': { status: 429, issueType: 'throttled', text: 'Too many requests.' },
  'internal-error': { status: 500, issueType: 'exception', text: 'Internal error.' },
  'store-unavailable': { status: 503, issueType: 'transient', text: 'The audit store is unavailable; nothing was recorded. Retry later.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERRORS, code);
}
