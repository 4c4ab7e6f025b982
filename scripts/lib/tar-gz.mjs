/**
 * A minimal, reproducible `.tar.gz` writer (POSIX ustar, regular files only) for the FHIR package
 * (scripts/pack-fhir-package.mjs, docs/design.md#fhir-package): no dependency, and the same entries
 * give the same bytes — every entry has mode 0644, owner 0:0 and one fixed mtime, and node's gzip
 * header carries no time.
 * Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

/** npm's fixed mtime for packed files (1985-10-26T08:15:00Z), used unless SOURCE_DATE_EPOCH says otherwise. */
export const DEFAULT_MTIME = 499162500;

function octal(value, width) {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`tar: ${value} does not fit in a ${width}-byte field`);
  return `${digits.padStart(width - 1, '0')}\0`;
}

/** ustar keeps a path of up to 255 bytes as `prefix/name` (prefix ≤ 155, name ≤ 100, split at a `/`). */
function splitPath(path) {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(path, size, mtime) {
  const h = Buffer.alloc(BLOCK);
  const { name, prefix } = splitPath(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/**
 * The tar archive of `entries` (in the given order), gzip-compressed.
 * @param {readonly { path: string, data: Buffer | string }[]} entries
 * @param {{ mtime?: number }} [options] seconds since the epoch, for every entry
 */
export function tarGz(entries, { mtime = DEFAULT_MTIME } = {}) {
  const parts = [];
  for (const { path, data } of entries) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    parts.push(header(path, bytes.length, mtime), bytes);
    const pad = (BLOCK - (bytes.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
