/**
 * Reads a request body up to a byte limit. Over the limit → PayloadTooLargeError (413 with the
 * limit); a declared Content-Length over the limit is refused before reading a byte.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        req.resume();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** Parses a JSON body; the media type must be JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ value: unknown; bytes: number }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    req.resume();
    throw new UnsupportedMediaTypeError('application/json');
  }
  const buf = await readBody(req, limit);
  if (buf.length === 0) throw new InvalidJsonError('request body is empty; a JSON object is required');
  try {
    return { value: JSON.parse(buf.toString('utf8')) as unknown, bytes: buf.length };
  } catch (err) {
    throw new InvalidJsonError(`request body is not valid JSON: ${(err as Error).message}`);
  }
}
