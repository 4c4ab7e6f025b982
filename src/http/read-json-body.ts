import { Buffer, isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../errors/app-error.js';
import { pushChildObjects } from '../json-walk.js';
import { assertJsonMediaType } from './media-type.js';
import { DEFAULT_TEXT_LIMITS, normaliseRequestText, type TextLimits, type TextReading } from './text-boundary.js';

/** The bounds of a request body: its size in bytes, and the text caps of src/http/text-boundary.ts (defaults when absent). */
export interface BodyLimits extends Partial<TextLimits> {
  readonly bodyLimitBytes: number;
}

/**
 * Reads and parses a JSON request body ourselves (no body-parser): checks the media type (415),
 * refuses a declared or streamed size over `limitBytes` without buffering past it (413; the size
 * counted is after Content-Encoding is undone, so a compressed bomb is caught too), and parses
 * strict UTF-8 JSON (400 `malformed-json`, never echoing the body), bounds its depth, then makes its
 * text safe once for hashing and storing (`normaliseRequestText`: lone surrogates → U+FFFD, NUL out of
 * free text, 400 `invalid-request` for a NUL in an identifier or a string over its cap).
 * `limits` is the configuration (or, for a caller that stores nothing, the byte limit alone).
 */
export async function readJsonBody(req: IncomingMessage, limits: number | BodyLimits): Promise<unknown> {
  const all: BodyLimits = typeof limits === 'number' ? { bodyLimitBytes: limits } : limits;
  const limitBytes = all.bodyLimitBytes;
  assertJsonMediaType(req.headers['content-type']);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    discard(req);
    throw tooLarge(limitBytes);
  }
  const stream = decoded(req);
  return parseJsonBytes(await collect(req, stream, limitBytes), {
    maxStringLength: all.maxStringLength ?? DEFAULT_TEXT_LIMITS.maxStringLength,
    maxNarrativeLength: all.maxNarrativeLength ?? DEFAULT_TEXT_LIMITS.maxNarrativeLength,
  });
}

/** `\u`: an escape, which can make any character, a U+0080–U+00FF one included. */
const ESCAPE_U = Buffer.from('\\u');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A request body's bytes as its parsed, bounded and normalised JSON value (above): the same value
 * and the same refusals as decoding them with the fatal `TextDecoder` (one leading BOM dropped), a
 * second leading BOM dropped, JSON.parse, `nestingDepth` and `normaliseRequestText`
 * (test/http/parse-json-bytes.test.ts). Validity is checked natively (`isUtf8`), half the time of
 * that decoder.
 *
 * Decoding UTF-8 into a string was about half the reading of a 570 KB record (its few Chinese
 * names make the whole text two bytes a character). Valid UTF-8 with no `\u` escape is therefore
 * read one byte a character (latin1, a copy) and parsed as it is: JSON's syntax is ASCII and no
 * byte of a multi-byte sequence is, so the parse gives the same tree, and only the strings and names
 * holding bytes ≥ 0x80 are decoded, where they are checked (`utf8-bytes-as-latin1`). An escape could
 * make a character U+0080–U+00FF that is not a byte, so a body with one (or what looks like one:
 * `\\u`) is decoded whole, as before.
 */
export function parseJsonBytes(bytes: Buffer, limits: TextLimits): unknown {
  if (!isUtf8(bytes)) throw new AppError('malformed-json', [{ message: 'body is not valid UTF-8' }]);
  let from = 0;
  for (let bom = 0; bom < 2 && bytes.subarray(from, from + 3).equals(BOM); bom += 1) from += 3;
  const reading: TextReading = bytes.indexOf(ESCAPE_U, from) === -1 ? 'utf8-bytes-as-latin1' : 'text';
  const text = bytes.toString(reading === 'text' ? 'utf8' : 'latin1', from);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('malformed-json');
  }
  if (nestingDepth(value, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    throw new AppError('invalid-request', [{ message: `JSON nested deeper than ${MAX_NESTING_DEPTH} levels` }]);
  }
  return normaliseRequestText(value, limits, reading);
}

/** FHIR resources inside a hook request are far shallower; deeper input is hostile. */
export const MAX_NESTING_DEPTH = 128;

/**
 * Depth of a parsed JSON value (objects and arrays count; iterative; stops once `cap` is exceeded):
 * the number of levels of a breadth-first walk, one level at a time.
 */
export function nestingDepth(value: unknown, cap: number): number {
  let level: object[] = value !== null && typeof value === 'object' ? [value] : [];
  let depth = 0;
  while (level.length > 0) {
    depth += 1;
    if (depth > cap) return depth;
    const next: object[] = [];
    for (const v of level) pushChildObjects(v, next);
    level = next;
  }
  return depth;
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('payload-too-large', [{ message: `the limit is ${limitBytes} bytes` }]);
}

function decoded(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  switch (encoding) {
    case 'identity':
    case '':
      return req;
    case 'gzip':
    case 'x-gzip':
      return req.pipe(createGunzip());
    case 'deflate':
      return req.pipe(createInflate());
    case 'br':
      return req.pipe(createBrotliDecompress());
    default:
      throw new AppError('unsupported-media-type', [{ message: 'Content-Encoding must be identity, gzip, deflate or br' }]);
  }
}

/** Lets the rest of the request flow to nowhere, so the response can still be read by the client. */
function discard(req: IncomingMessage): void {
  req.unpipe();
  req.removeAllListeners('data');
  req.resume();
}

function collect(req: IncomingMessage, stream: Readable, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: AppError | undefined): void => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        chunks.length = 0;
        if (stream !== req) stream.destroy();
        discard(req);
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) settle(tooLarge(limitBytes));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle(undefined);
    const onError = (): void => settle(new AppError('malformed-json', [{ message: 'the body could not be read or decoded' }]));
    const onClose = (): void => {
      if (!req.complete) settle(new AppError('malformed-json', [{ message: 'the body ended early' }]));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
