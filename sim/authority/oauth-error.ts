/**
 * RFC 6749 §5.2 token-endpoint errors: body `{error, error_description}`, status 400, or 401 with
 * `WWW-Authenticate` for failed client authentication. (The Authority's error shape differs from
 * the APIs' `{error, message}` on purpose: OAuth clients parse `error_description`.)
 */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export class OAuthError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    options: { basicUsed?: boolean } = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.status = code === 'invalid_client' ? 401 : 400;
    this.headers = { 'cache-control': 'no-store', pragma: 'no-cache' };
    if (code === 'invalid_client') {
      this.headers['www-authenticate'] = options.basicUsed ? 'Basic realm="stellaops-authority"' : 'Bearer realm="stellaops-authority"';
    }
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
