import { Buffer } from 'node:buffer';
import { AppError, type IssueDetail } from '../errors/app-error.js';
import { formatPath } from '../cds-hooks/zod-issues.js';

/**
 * The one place where request text is made safe for hashing, comparing and storing
 * (docs/design.md#text-boundary). Every parsed request body (hook requests with their prefetch
 * resources, feedback, acknowledgements, the QC signing bundle) passes here once, right after
 * JSON.parse, so everything downstream sees the same strings on both store engines:
 *
 * - an unpaired UTF-16 surrogate (only a `\uD800`-style escape can make one) becomes U+FFFD in free
 *   text — what the PostgreSQL drivers would store anyway, so a retry hashes and compares equal;
 * - U+0000 (PostgreSQL refuses it in text and jsonb) is removed from free text;
 * - in an identifier (a member named in IDENTIFIER_MEMBERS, or any member name) either of them
 *   refuses the request: 400 `invalid-request` naming the path;
 * - a string (or member name) longer than its cap refuses the request the same way.
 */

/** Length caps in UTF-16 code units (what `String.length` counts). */
export interface TextLimits {
  /** Every string and member name except the long-text members. */
  readonly maxStringLength: number;
  /** The long-text members: FHIR narrative `div` and Attachment `data` (base64). */
  readonly maxNarrativeLength: number;
}

/** The defaults of MAX_STRING_LENGTH and MAX_NARRATIVE_LENGTH (README, configuration). */
export const DEFAULT_TEXT_LIMITS: TextLimits = { maxStringLength: 8192, maxNarrativeLength: 1_048_576 };

/**
 * Members whose string value names something (ids, references, codes, URIs, instants, enum
 * values, tokens) rather than says something: a NUL or a lone surrogate there is refused, never
 * repaired, because repairing would make two different identifiers equal. An array of strings takes
 * the name of its member (`context.selections[0]` is an identifier, `name[0].given[0]` free text).
 * Everything else is free text. Kept in step with docs/design.md#text-boundary.
 */
export const IDENTIFIER_MEMBERS: ReadonlySet<string> = new Set([
  // CDS Hooks request, feedback and acknowledgement
  'hook',
  'hookInstance',
  'fhirServer',
  'access_token',
  'token_type',
  'scope',
  'subject',
  'patientId',
  'encounterId',
  'userId',
  'selections',
  'card',
  'uuid',
  'outcome',
  'outcomeTimestamp',
  'kind',
  'decision',
  'signedAt',
  'recordedBy',
  // FHIR
  'resourceType',
  'id',
  'reference',
  'fullUrl',
  'url',
  'system',
  'code',
  'value',
  'status',
]);

const LONG_TEXT_MEMBERS: ReadonlySet<string> = new Set(['div', 'data']);

/** Any NUL or surrogate code unit: the quick test that lets almost every string through untouched. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
/** A surrogate that is not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL = /\u0000/g;

/** Free text made storable: lone surrogates → U+FFFD, NUL removed. Other strings are returned as they are. */
export function cleanFreeText(s: string): string {
  if (!SUSPECT.test(s)) return s;
  return s.replace(LONE_SURROGATE, '\uFFFD').replace(NUL, '');
}

/** Whether an identifier may be kept as it is: no NUL, no lone surrogate. */
function cleanIdentifier(s: string): boolean {
  if (!SUSPECT.test(s)) return true;
  LONE_SURROGATE.lastIndex = 0;
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** A container still to visit; its path is rebuilt from the parent links only when refused. */
interface Pending {
  readonly node: Record<string, unknown> | unknown[];
  readonly parent: Pending | undefined;
  /** Where it sits in its parent. */
  readonly at: string | number;
  /** The member name its array elements are named by. */
  readonly name: string;
}

/**
 * How the strings of the parsed body were read from the request bytes:
 * - `text`: decoded as UTF-8 (JSON.parse of the body's text);
 * - `utf8-bytes-as-latin1`: JSON.parse of the body's bytes read one byte a character (latin1), which
 *   src/http/read-json-body.ts does for valid UTF-8 with no `\u` escape. Every string and member
 *   name holding a character U+0080–U+00FF is then UTF-8 bytes, decoded here before it is capped
 *   (`decodedChecked`) — the same strings as `text`, without decoding the whole body.
 */
export type TextReading = 'text' | 'utf8-bytes-as-latin1';

/** A character that, in a `utf8-bytes-as-latin1` reading, is a byte of a multi-byte UTF-8 sequence. */
const HIGH_BYTE = /[\u0080-\u00ff]/;

/** UTF-8 bytes read as latin1, decoded. */
function fromLatin1(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/**
 * Normalises every string of a parsed JSON body in place (see above) and returns it; throws
 * AppError('invalid-request') naming the path of the first offending value. Iterative: the depth
 * was already bounded by the caller. `reading` says how the body's strings were read (above).
 */
export function normaliseRequestText<T>(body: T, limits: TextLimits = DEFAULT_TEXT_LIMITS, reading: TextReading = 'text'): T {
  const bytes = reading === 'utf8-bytes-as-latin1';
  if (typeof body === 'string') return (bytes && HIGH_BYTE.test(body) ? fromLatin1(body) : body) as T;
  if (body === null || typeof body !== 'object') return body;
  const stack: Pending[] = [{ node: body as Pending['node'], parent: undefined, at: '', name: '' }];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const node = p.node;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        const v: unknown = node[i];
        if (typeof v === 'string') node[i] = bytes ? decodedChecked(v, p.name, p, i, limits) : checked(v, p.name, p, i, limits);
        else if (v !== null && typeof v === 'object') stack.push({ node: v as Pending['node'], parent: p, at: i, name: p.name });
      }
      continue;
    }
    if (bytes) decodeMemberNames(node);
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      checkKey(key, p, limits, bytes);
      const v = node[key];
      if (typeof v === 'string') node[key] = bytes ? decodedChecked(v, key, p, key, limits) : checked(v, key, p, key, limits);
      else if (v !== null && typeof v === 'object') stack.push({ node: v as Pending['node'], parent: p, at: key, name: key });
    }
  }
  return body;
}

/**
 * In a `utf8-bytes-as-latin1` reading, renames the members whose names are UTF-8 bytes, in place and
 * in the same order (every member is taken out and put back; defined, not assigned, so a member
 * named `__proto__` stays a member as JSON.parse made it). FHIR's member names are ASCII: almost
 * always nothing to do.
 */
function decodeMemberNames(node: Record<string, unknown>): void {
  let any = false;
  for (const key in node) {
    if (HIGH_BYTE.test(key) && Object.hasOwn(node, key)) {
      any = true;
      break;
    }
  }
  if (!any) return;
  const members: [string, unknown][] = [];
  for (const key in node) if (Object.hasOwn(node, key)) members.push([key, node[key]]);
  for (const [key] of members) delete node[key];
  for (const [key, value] of members) {
    Object.defineProperty(node, HIGH_BYTE.test(key) ? fromLatin1(key) : key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

function checked(s: string, name: string, parent: Pending, at: string | number, limits: TextLimits): string {
  capped(s, name, parent, at, limits);
  if (IDENTIFIER_MEMBERS.has(name)) {
    if (!cleanIdentifier(s)) refuse(parent, at, 'an identifier must not contain U+0000 or an unpaired surrogate');
    return s;
  }
  return cleanFreeText(s);
}

/** Refuses a string longer than its member's cap (in UTF-16 code units). */
function capped(s: string, name: string, parent: Pending, at: string | number, limits: TextLimits): void {
  const cap = LONG_TEXT_MEMBERS.has(name) ? limits.maxNarrativeLength : limits.maxStringLength;
  if (s.length > cap) refuse(parent, at, `longer than ${cap} characters`);
}

/**
 * `checked` in a `utf8-bytes-as-latin1` reading: the string decoded when it holds UTF-8 bytes, then
 * capped. Nothing to clean: a NUL or a lone surrogate can only come from a `\u` escape (JSON refuses
 * a raw control character, and valid UTF-8 encodes no surrogate), and such a body is read as text.
 */
function decodedChecked(s: string, name: string, parent: Pending, at: string | number, limits: TextLimits): string {
  const text = HIGH_BYTE.test(s) ? fromLatin1(s) : s;
  capped(text, name, parent, at, limits);
  return text;
}

/**
 * A member name is an identifier too: refused on NUL, a lone surrogate or excess length; never
 * renamed (a byte reading's names are only decoded, by `decodeMemberNames`). `bytes`: such a reading,
 * whose names cannot hold a NUL or a lone surrogate (`decodedChecked`).
 */
function checkKey(key: string, parent: Pending, limits: TextLimits, bytes: boolean): void {
  if (key.length > limits.maxStringLength) refuse(parent, key.slice(0, 64), `member name longer than ${limits.maxStringLength} characters`);
  if (!bytes && !cleanIdentifier(key)) refuse(parent, cleanFreeText(key), 'a member name must not contain U+0000 or an unpaired surrogate');
}

/** The path of a refused value (`prefetch.patient.name[0].family`), from its parent links. */
function pathOf(parent: Pending, at: string | number): string {
  const segments: (string | number)[] = [at];
  for (let p: Pending | undefined = parent; p?.parent; p = p.parent) segments.push(p.at);
  return formatPath(segments.reverse());
}

function refuse(parent: Pending, at: string | number, message: string): never {
  const detail: IssueDetail = { path: pathOf(parent, at), message };
  throw new AppError('invalid-request', [detail]);
}
