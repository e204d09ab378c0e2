/**
 * Every error the platform answers with, as classes with stable codes. Route and middleware code
 * throws these; exactly one boundary (http/respond.ts `sendError`) turns them into a JSON response
 * `{error, message, ...fields}` with the class's status and headers. Anything else becomes a
 * generic 500 that leaks nothing.
 */

export type TokenFailureReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'unknown_kid'
  | 'bad_issuer'
  | 'bad_audience'
  | 'bad_algorithm'
  | 'missing_tenant_claim'
  | 'jwks_unavailable';

export const TOKEN_FAILURE_REASONS: readonly TokenFailureReason[] = [
  'missing',
  'malformed',
  'expired',
  'not_yet_valid',
  'bad_signature',
  'unknown_kid',
  'bad_issuer',
  'bad_audience',
  'bad_algorithm',
  'missing_tenant_claim',
  'jwks_unavailable',
];

export interface FieldProblem {
  path: string;
  message: string;
}

export class SimError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra body fields (e.g. `reason`, `limit`, `details`). */
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, message: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.fields = fields;
    this.headers = headers;
  }
}

export class InvalidTokenError extends SimError {
  readonly reason: TokenFailureReason;
  constructor(reason: TokenFailureReason, message: string) {
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    const challenge = reason === 'missing' ? 'Bearer realm="stellaops"' : 'Bearer realm="stellaops", error="invalid_token"';
    super('invalid_token', 401, message, { reason }, { 'www-authenticate': challenge });
    this.reason = reason;
  }
}

export class TenantMismatchError extends SimError {
  constructor(tokenTenant: string, headerTenant: string) {
    super('tenant_mismatch', 403, `token is for tenant '${tokenTenant}' but the request names tenant '${headerTenant}'`);
  }
}

export class UnknownTenantError extends SimError {
  constructor(tenant: string) {
    super('unknown_tenant', 403, `tenant '${tenant.slice(0, 64)}' is not served by this platform`);
  }
}

export class InsufficientScopeError extends SimError {
  constructor(scope: string) {
    super('insufficient_scope', 403, `token lacks the scope '${scope}'`, { scope }, {
      'www-authenticate': `Bearer realm="stellaops", error="insufficient_scope", scope="${scope}"`,
    });
  }
}

export class InvalidTenantHeaderError extends SimError {
  constructor(header: string, message: string) {
    super('invalid_tenant_header', 400, message, { header });
  }
}

export class InvalidJsonError extends SimError {
  constructor(message: string) {
    super('invalid_json', 400, message);
  }
}

/**
 * Validation replies are bounded (one tenant must not make the shared server serialize megabytes):
 * at most MAX_LISTED_PROBLEMS problems, each path and message at most MAX_PROBLEM_CHARS, and the
 * number left out in `omitted`. Together they keep a 400 under MAX_ERROR_REPLY_BYTES.
 */
export const MAX_LISTED_PROBLEMS = 20;
export const MAX_PROBLEM_CHARS = 160;
export const MAX_ERROR_REPLY_BYTES = 16 * 1024;

function clip(text: string): string {
  return text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS - 1)}…` : text;
}

function listed(details: FieldProblem[]): { shown: FieldProblem[]; fields: Record<string, unknown>; text: string } {
  const shown = details.slice(0, MAX_LISTED_PROBLEMS).map((d) => ({ path: clip(d.path), message: clip(d.message) }));
  const omitted = details.length - shown.length;
  const text = shown.map((d) => `${d.path} ${d.message}`).join('; ') + (omitted > 0 ? `; and ${omitted} more` : '');
  return { shown, fields: omitted > 0 ? { details: shown, omitted } : { details: shown }, text };
}

export class InvalidBodyError extends SimError {
  constructor(details: FieldProblem[]) {
    const l = listed(details);
    super('invalid_body', 400, `request body is invalid: ${l.text}`, l.fields);
  }
}

export class InvalidQueryError extends SimError {
  constructor(details: FieldProblem[]) {
    const l = listed(details);
    super('invalid_query', 400, `query is invalid: ${l.text}`, l.fields);
  }
}

export class UnsupportedMediaTypeError extends SimError {
  constructor(expected: string) {
    super('unsupported_media_type', 415, `Content-Type must be ${expected}`);
  }
}

export class NotFoundError extends SimError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}

export class MethodNotAllowedError extends SimError {
  constructor(method: string, allowed: string[]) {
    super('method_not_allowed', 405, `${method} is not allowed here; allowed: ${allowed.join(', ')}`, {}, { allow: allowed.join(', ') });
  }
}

export class ConflictError extends SimError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}

export class PayloadTooLargeError extends SimError {
  constructor(limit: number) {
    super('payload_too_large', 413, `request body exceeds ${limit} bytes`, { limit }, { connection: 'close' });
  }
}

export class RateLimitedError extends SimError {
  constructor(tenant: string, retryAfterSeconds: number) {
    super('rate_limited', 429, `tenant '${tenant}' is over its rate limit; retry after ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds }, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

export class UnauthorizedAdminError extends SimError {
  constructor() {
    super('unauthorized', 401, 'this endpoint needs the admin token as a Bearer token', {}, { 'www-authenticate': 'Bearer realm="stellaops-admin"' });
  }
}

export class BadGatewayError extends SimError {
  constructor(message: string) {
    super('bad_gateway', 502, message);
  }
}

/** A tenant made to fail on purpose (`tenant-sim --degrade TENANT:errors=RATE`, sim/api/degrade.ts). */
export class DegradedError extends SimError {
  constructor(tenant: string) {
    super('degraded', 503, `tenant '${tenant}' is degraded (tenant-sim --degrade)`);
  }
}
