/**
 * HTTP Digest access authentication (RFC 7616) for `params.auth: 'digest'`, as k6 does it
 * (lib/netext/httpext/digest_transport.go): the request goes out without credentials, and on a
 * 401 whose `WWW-Authenticate` offers Digest it is sent again with the `Authorization` computed
 * from the URL's user and password. Pure: the challenge parser and the response computation.
 *
 * Algorithms MD5, MD5-sess, SHA-256 and SHA-256-sess; qop `auth` (preferred when offered), then
 * `auth-int` (the request body, as RFC 7616 §3.4.3 defines it), or none (RFC 2069).
 */
import { createHash } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
  /** The qop to answer with; undefined when the server offers none. */
  qop?: 'auth' | 'auth-int';
  userhash: boolean;
}

const ALGORITHMS = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as const;

/** The first Digest challenge of `WWW-Authenticate` values, or why none can be answered. */
export function parseDigestChallenge(header: string | undefined): DigestChallenge | string {
  if (!header) return 'the 401 response has no WWW-Authenticate header';
  const at = header.search(/(^|,\s*)digest\s/i);
  if (at < 0) return `the 401 response offers no Digest challenge (WWW-Authenticate: ${header.slice(0, 80)})`;
  const params: Record<string, string> = {};
  const re = /([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/gi;
  re.lastIndex = header.indexOf(' ', at + 1);
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const key = m[1]!.toLowerCase();
    // A following challenge (`…, Basic realm="x"`) ends this one.
    if (key in params) break;
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  if (params.realm === undefined || !params.nonce) return 'the Digest challenge has no realm or nonce';
  const algorithm = ALGORITHMS.find((a) => a.toLowerCase() === (params.algorithm ?? 'MD5').toLowerCase());
  if (!algorithm) return `the Digest challenge asks for algorithm ${params.algorithm} (supported: ${ALGORITHMS.join(', ')})`;
  const offered = (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
  const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : undefined;
  if (params.qop !== undefined && qop === undefined) return `the Digest challenge offers qop ${params.qop} (supported: auth, auth-int)`;
  return { realm: params.realm, nonce: params.nonce, opaque: params.opaque, algorithm, qop, userhash: params.userhash?.toLowerCase() === 'true' };
}

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/** The `Authorization` header value answering `c` for one request. */
export function digestAuthorization(c: DigestChallenge, req: { method: string; uri: string; user: string; password: string; body?: Uint8Array; cnonce: string; nc: number }): string {
  const hashName = c.algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const H = (s: string | Uint8Array): string => createHash(hashName).update(s).digest('hex');
  const nc = req.nc.toString(16).padStart(8, '0');
  let ha1 = H(`${req.user}:${c.realm}:${req.password}`);
  if (c.algorithm.endsWith('-sess')) ha1 = H(`${ha1}:${c.nonce}:${req.cnonce}`);
  const ha2 = c.qop === 'auth-int' ? H(`${req.method}:${req.uri}:${H(req.body ?? new Uint8Array(0))}`) : H(`${req.method}:${req.uri}`);
  const response = c.qop ? H(`${ha1}:${c.nonce}:${nc}:${req.cnonce}:${c.qop}:${ha2}`) : H(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username=${quote(c.userhash ? H(`${req.user}:${c.realm}`) : req.user)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(req.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${nc}`, `cnonce=${quote(req.cnonce)}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
