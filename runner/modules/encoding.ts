/**
 * `k6/encoding` (k6 `internal/js/modules/k6/encoding`): b64encode(input, encoding?) and
 * b64decode(input, encoding?, format?) with encodings `std` (default), `rawstd`, `url`, `rawurl`;
 * b64decode returns an ArrayBuffer unless format is `'s'`.
 */
import { esModule } from './esm';

type Encoding = 'std' | 'rawstd' | 'url' | 'rawurl';
const ENCODINGS: readonly Encoding[] = ['std', 'rawstd', 'url', 'rawurl'];

function toBuffer(input: unknown): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer || Object.prototype.toString.call(input) === '[object ArrayBuffer]') return Buffer.from(input as ArrayBuffer);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('b64encode: input must be a string or an ArrayBuffer');
}

function checkEncoding(e: unknown): Encoding {
  const enc = (e === undefined || e === '' ? 'std' : e) as Encoding;
  if (!ENCODINGS.includes(enc)) throw new TypeError(`invalid base64 encoding ${JSON.stringify(e)} (allowed: ${ENCODINGS.join(', ')})`);
  return enc;
}

export function b64encode(input: unknown, encoding?: unknown): string {
  const enc = checkEncoding(encoding);
  const buf = toBuffer(input);
  let out = enc === 'url' || enc === 'rawurl' ? buf.toString('base64url') : buf.toString('base64');
  if (enc === 'url') while (out.length % 4) out += '=';
  if (enc === 'rawstd') out = out.replace(/=+$/, '');
  return out;
}

export function b64decode(input: unknown, encoding?: unknown, format?: unknown): string | ArrayBuffer {
  const enc = checkEncoding(encoding);
  const text = String(input);
  const buf = Buffer.from(text, enc === 'url' || enc === 'rawurl' ? 'base64url' : 'base64');
  if (format === 's') return buf.toString('utf8');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export function createEncodingModule(): Record<string, unknown> {
  return esModule({ b64encode, b64decode });
}
