/** Fake of `k6/encoding`. */
export function b64encode(input: string | ArrayBuffer, encoding: 'std' | 'rawstd' | 'url' | 'rawurl' = 'std'): string {
  const buf = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
  const s = buf.toString(encoding.includes('url') ? 'base64url' : 'base64');
  return encoding.startsWith('raw') ? s.replace(/=+$/, '') : s;
}
export function b64decode(input: string, encoding: 'std' | 'rawstd' | 'url' | 'rawurl' = 'std', format?: 's'): string | ArrayBuffer {
  const buf = Buffer.from(input, encoding.includes('url') ? 'base64url' : 'base64');
  return format === 's' ? buf.toString() : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}
export default { b64encode, b64decode };
