/**
 * `k6/encoding` as k6 v2.2 `internal/js/modules/k6/encoding/encoding.go`: b64encode(input,
 * encoding?) and b64decode(input, encoding?, format?) with encodings `std`, `rawstd`, `url`,
 * `rawurl`; any other value — `undefined`, `null`, `''`, a typo — is `std` (the `default:` of k6's
 * switch). Decoding is Go's `encoding/base64`: strict about the alphabet and the padding of the
 * chosen encoding (it throws `illegal base64 data at input byte N`), skipping `\r` and `\n`.
 * b64decode returns an ArrayBuffer unless format is `'s'`.
 */
import { esModule } from './esm';

type Encoding = 'std' | 'rawstd' | 'url' | 'rawurl';
const ENCODINGS: readonly string[] = ['std', 'rawstd', 'url', 'rawurl'];

function toBuffer(input: unknown): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === '[object ArrayBuffer]') return Buffer.from(input as ArrayBuffer);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('b64encode: input must be a string or an ArrayBuffer');
}

function encodingOf(e: unknown): Encoding {
  return (typeof e === 'string' && ENCODINGS.includes(e) ? e : 'std') as Encoding;
}

export function b64encode(input: unknown, encoding?: unknown): string {
  const enc = encodingOf(encoding);
  const buf = toBuffer(input);
  let out = enc === 'url' || enc === 'rawurl' ? buf.toString('base64url') : buf.toString('base64');
  if (enc === 'url') while (out.length % 4) out += '=';
  if (enc === 'rawstd') {
    // At most two '=': a slice, not a regex that scans the whole string.
    let end = out.length;
    while (end > 0 && out.charCodeAt(end - 1) === 61) end--;
    out = out.slice(0, end);
  }
  return out;
}

/**
 * Well-formed input of each encoding, checked by one native regex: a padded encoding ends in at
 * most two `=` and has a multiple of 4 characters, which is every valid padding (1 `=` after 3
 * data characters of the last quantum, 2 after 2); a raw one must not leave 1 character over.
 * Anything else (line breaks included) takes the exact scan below, which also finds the offset
 * for Go's error. Scanning a VU's sealed setup tokens (~27 kB) char by char in JavaScript took
 * ~0.25 ms per call, paid by every VU on its first iteration.
 */
const WELL_FORMED: Record<Encoding, RegExp> = {
  std: /^[A-Za-z0-9+/]*={0,2}$/,
  rawstd: /^[A-Za-z0-9+/]*$/,
  url: /^[A-Za-z0-9_-]*={0,2}$/,
  rawurl: /^[A-Za-z0-9_-]*$/,
};

export function wellFormed(text: string, enc: Encoding): boolean {
  if (!WELL_FORMED[enc].test(text)) return false;
  return enc === 'std' || enc === 'url' ? text.length % 4 === 0 : text.length % 4 !== 1;
}

/** Go's base64 DecodeString validation: the offset of the first illegal byte, or -1. */
export function illegalOffset(text: string, enc: Encoding): number {
  const url = enc === 'url' || enc === 'rawurl';
  const padded = enc === 'std' || enc === 'url';
  let data = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    const inAlphabet = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (url ? c === 45 || c === 95 : c === 43 || c === 47);
    if (pad > 0) {
      // Only more padding may follow padding, and no more than a quantum's worth.
      if (c !== 61 || !padded) return i;
      pad++;
      if ((data + pad) % 4 === 1 || pad > 2) return i;
      continue;
    }
    if (c === 61 && padded) {
      if (data % 4 < 2) return i;
      pad = 1;
      continue;
    }
    if (!inAlphabet) return i;
    data++;
  }
  const n = text.replace(/[\r\n]/g, '').length;
  if (padded ? n % 4 !== 0 : data % 4 === 1) return n - (padded ? n % 4 : 1);
  return -1;
}

export function b64decode(input: unknown, encoding?: unknown, format?: unknown): string | ArrayBuffer {
  const enc = encodingOf(encoding);
  const text = String(input);
  let clean = text;
  if (!wellFormed(text, enc)) {
    const bad = illegalOffset(text, enc);
    if (bad >= 0) throw new Error(`illegal base64 data at input byte ${bad}`);
    clean = text.replace(/[\r\n]/g, '');
  }
  const buf = Buffer.from(clean, enc === 'url' || enc === 'rawurl' ? 'base64url' : 'base64');
  if (format === 's') return buf.toString('utf8');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export function createEncodingModule(): Record<string, unknown> {
  return esModule({ b64encode, b64decode });
}
