/** A parameter as PGlite's serializers give it (its protocol's `LegalValue`): text, raw bytes (sent in binary format), or SQL NULL. */
export type BindValue = string | ArrayBuffer | ArrayBufferView | null;

/** The frontend message code of Bind ('B'). */
const BIND = 0x42;

/**
 * The wire protocol's Bind message for the named statement on the unnamed portal (text results),
 * followed by `tail` (Describe, Execute, Sync), in one buffer: byte for byte what PGlite's exported
 * `protocol.serialize.bind({ statement, values })` writes, then the tail (test/store/pglite-bind.test.ts).
 *
 * PGlite's serializer counts each string's UTF-8 length twice in a JavaScript loop over its UTF-16
 * units and grows its buffer as it goes: 0.41 ms of a referral call's 2.3 ms audit write, whose
 * parameters are ≈ 16 KB of JSON and notice text (docs/design.md#hook-call-cost). Here the lengths
 * come from `Buffer.byteLength` and the bytes from `Buffer.write` (native), into one allocation.
 */
export function bindMessage(statement: string, values: readonly BindValue[], tail: Uint8Array): Buffer {
  const name = Buffer.byteLength(statement, 'utf8');
  const lengths = new Array<number>(values.length);
  // code, length, portal "" (one NUL), statement and NUL, format count, formats, value count,
  // values (length + bytes each), result format count.
  let size = 1 + 4 + 1 + name + 1 + 2 + 2 * values.length + 2 + 2;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    const n = v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.byteLength;
    lengths[i] = n;
    size += 4 + n;
  }
  const out = Buffer.allocUnsafe(size + tail.byteLength);
  let at = 0;
  out[at++] = BIND;
  at = out.writeInt32BE(size - 1, at);
  out[at++] = 0; // the unnamed portal
  at += out.write(statement, at, 'utf8');
  out[at++] = 0;
  at = out.writeUInt16BE(values.length, at);
  for (const v of values) at = out.writeInt16BE(isBytes(v) ? 1 : 0, at);
  at = out.writeUInt16BE(values.length, at);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || v === undefined) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    at = out.writeInt32BE(lengths[i]!, at);
    if (typeof v === 'string') at += out.write(v, at, 'utf8');
    else {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out.set(bytes, at);
      at += bytes.byteLength;
    }
  }
  at = out.writeInt16BE(0, at); // every result column in text format
  out.set(tail, at);
  return out;
}

function isBytes(v: BindValue | undefined): v is ArrayBuffer | ArrayBufferView {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}
