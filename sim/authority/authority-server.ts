/**
 * The Authority listener: discovery, JWKS, the token endpoint and admin key rotation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuditLog } from '../audit/audit-log';
import { traceIdFrom } from '../audit/audit-event';
import type { Clock } from '../clock';
import { MethodNotAllowedError, NotFoundError, SimError, UnauthorizedAdminError } from '../errors';
import { hardenServer, SERVER_OPTIONS } from '../http/harden';
import { readBody } from '../http/read-body';
import { sendError, sendJson } from '../http/respond';
import type { Logger } from '../logger';
import { bearerOf, secretEquals } from '../secrets';
import type { TenantRegistry } from '../tenants';
import type { KeyStore } from './key-store';
import { OAuthError } from './oauth-error';
import { FailureThrottle } from './failure-throttle';
import { claimedClientId, decideTokenRequest, signAccessToken } from './token-endpoint';

export interface AuthorityOptions {
  clock: Clock;
  keys: KeyStore;
  registry: TenantRegistry;
  /** Fixed issuer (`iss`), whatever address a request came in on. */
  issuer: () => string;
  clientSecret: string;
  adminToken: string;
  tokenLifetimeMs: number;
  /** JWKS `Cache-Control: max-age`, seconds. */
  jwksMaxAgeS: number;
  audit: AuditLog;
  logger: Logger;
}

export function createAuthorityServer(o: AuthorityOptions): Server {
  const throttle = new FailureThrottle(o.clock);
  /** Throttle key: the client's address and the client it claims (unknown ids share one key). */
  const throttleKey = (req: IncomingMessage, claimed: string | null): string =>
    `${req.socket.remoteAddress ?? '?'}\u0000${claimed !== null && o.registry.isClient(claimed) ? claimed : '?'}`;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const allow = (methods: string[]): void => {
      if (!methods.includes(method)) throw new MethodNotAllowedError(method, methods);
    };
    switch (path) {
      case '/.well-known/openid-configuration': {
        allow(['GET']);
        // From the configured issuer, never the Host header: a client that follows discovery
        // must not be sent to an address of the requester's choosing.
        const base = o.issuer();
        sendJson(res, 200, {
          issuer: o.issuer(),
          jwks_uri: `${base}/jwks`,
          token_endpoint: `${base}/connect/token`,
          grant_types_supported: ['client_credentials'],
          response_types_supported: ['token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        });
        return;
      }
      case '/jwks':
      case '/.well-known/jwks.json': {
        allow(['GET']);
        sendJson(res, 200, o.keys.jwks(), { 'cache-control': `max-age=${o.jwksMaxAgeS}` });
        return;
      }
      case '/connect/token': {
        allow(['POST']);
        const traceId = traceIdFrom(req.headers.traceparent);
        let key: string | null = null;
        try {
          const body = (await readBody(req, 16 * 1024)).toString('utf8');
          const tokenRequest = { contentType: req.headers['content-type'], authorization: req.headers.authorization, body };
          key = throttleKey(req, claimedClientId(tokenRequest));
          const allowed = throttle.check(key);
          if (!allowed.ok) {
            sendJson(
              res,
              429,
              { error: 'too_many_attempts', error_description: `too many failed client authentications; retry after ${allowed.retryAfterS} s` },
              { 'retry-after': String(allowed.retryAfterS), 'cache-control': 'no-store', pragma: 'no-cache' },
            );
            return;
          }
          const grant = decideTokenRequest(tokenRequest, o.registry, o.clientSecret);
          const { token, expiresIn } = await signAccessToken(grant, { key: o.keys.signing, issuer: o.issuer(), nowMs: o.clock.now(), lifetimeMs: o.tokenLifetimeMs });
          o.audit.record({ tenant: grant.tenant, subject: grant.clientId, action: 'token.issued', resource: 'connect/token', result: 'success', traceId });
          sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: grant.scopes.join(' ') }, { 'cache-control': 'no-store', pragma: 'no-cache' });
        } catch (err) {
          if (err instanceof OAuthError) {
            if (err.code === 'invalid_client') {
              if (key !== null) throttle.fail(key);
              o.audit.record({ tenant: '*', subject: 'anonymous', action: 'auth.failed', resource: 'connect/token', result: 'failure', traceId, reason: err.code });
            }
            sendJson(res, err.status, err.body(), err.headers);
            return;
          }
          if (err instanceof SimError && err.code === 'payload_too_large') {
            sendJson(res, 400, { error: 'invalid_request', error_description: err.message }, { connection: 'close' });
            return;
          }
          throw err;
        }
        return;
      }
      case '/admin/keys/rotate': {
        allow(['POST']);
        const presented = bearerOf(req.headers.authorization);
        if (presented === null || !secretEquals(presented, o.adminToken)) throw new UnauthorizedAdminError();
        req.resume();
        const rotated = await o.keys.rotate();
        o.audit.record({ tenant: '*', subject: 'admin', action: 'keys.rotated', resource: `key/${rotated.kid}`, result: 'success', traceId: traceIdFrom(req.headers.traceparent) });
        o.logger.info(`signing key rotated: ${rotated.previousKid} -> ${rotated.kid}`);
        sendJson(res, 200, rotated);
        return;
      }
      default:
        throw new NotFoundError(`no route ${method} ${path.slice(0, 200)} on the Authority`);
    }
  };
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err, o.logger));
  });
  hardenServer(server);
  return server;
}
