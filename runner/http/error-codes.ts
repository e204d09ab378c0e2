/**
 * k6's `error_code` table (docs/k6-semantics.md#k6-http, k6 `lib/netext/httpext/transport.go`,
 * k6-docs `k6-errors-list.md`) for the errors undici and Node report, plus 1000 + status for
 * 4xx/5xx responses. Messages imitate Go's so k6 users recognise them.
 */
export const ERROR_CODES = {
  GENERIC: 1000,
  NON_TCP_NETWORK: 1010,
  INVALID_URL: 1020,
  REQUEST_TIMEOUT: 1050,
  DNS: 1100,
  DNS_NO_IP: 1101,
  TCP: 1200,
  BROKEN_PIPE: 1201,
  DIAL: 1210,
  DIAL_TIMEOUT: 1211,
  CONNECTION_REFUSED: 1212,
  CONNECTION_RESET: 1220,
  TLS: 1300,
  TLS_UNKNOWN_AUTHORITY: 1310,
  TLS_HOSTNAME_MISMATCH: 1311,
} as const;

export interface MappedError {
  code: number;
  message: string;
}

/** Maps a thrown network error to k6's code and a Go-like message. */
export function mapNetworkError(err: unknown, method: string, url: string, host: string): MappedError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  const prefix = `${verb} "${url}": `;
  switch (code) {
    case 'ECONNREFUSED':
      return { code: ERROR_CODES.CONNECTION_REFUSED, message: `${prefix}dial tcp ${host}: connect: connection refused` };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { code: ERROR_CODES.CONNECTION_RESET, message: `${prefix}read tcp ${host}: read: connection reset by peer` };
    case 'EPIPE':
      return { code: ERROR_CODES.BROKEN_PIPE, message: `${prefix}write tcp ${host}: write: broken pipe` };
    case 'ENOTFOUND':
      return { code: ERROR_CODES.DNS_NO_IP, message: `${prefix}lookup ${host}: no such host` };
    case 'EAI_AGAIN':
      return { code: ERROR_CODES.DNS, message: `${prefix}lookup ${host}: temporary failure in name resolution` };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: ERROR_CODES.DIAL_TIMEOUT, message: `${prefix}dial tcp ${host}: i/o timeout` };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return { code: ERROR_CODES.REQUEST_TIMEOUT, message: 'request timeout' };
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return { code: ERROR_CODES.DIAL, message: `${prefix}dial tcp ${host}: connect: network is unreachable` };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { code: ERROR_CODES.TLS_HOSTNAME_MISMATCH, message: `${prefix}x509: certificate is not valid for ${host}` };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return { code: ERROR_CODES.TLS_UNKNOWN_AUTHORITY, message: `${prefix}x509: certificate signed by unknown authority` };
  }
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_')) {
    return { code: ERROR_CODES.TLS, message: `${prefix}tls: ${e.message ?? code}` };
  }
  if (code === 'ERR_INVALID_URL' || code === 'UND_ERR_INVALID_ARG') {
    return { code: ERROR_CODES.INVALID_URL, message: `${prefix}${e.message ?? 'invalid URL'}` };
  }
  if (code.startsWith('E')) return { code: ERROR_CODES.TCP, message: `${prefix}${e.message ?? code}` };
  return { code: ERROR_CODES.GENERIC, message: `${prefix}${e.message ?? String(err)}` };
}

/** `error_code` for a response status (4xx/5xx → 1000 + status), or undefined. */
export function statusErrorCode(status: number): number | undefined {
  return status >= 400 && status < 600 ? 1000 + status : undefined;
}
