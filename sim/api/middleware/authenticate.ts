/**
 * Bearer authentication: the verified-token cache first (a map lookup), a full jose verification
 * otherwise. Returns the principal synchronously on a cache hit so the hot path allocates no
 * promise. Throws InvalidTokenError (401) with the reason.
 */
import type { IncomingMessage } from 'node:http';
import type { Principal, TokenVerifier } from '../../auth/token-verifier';
import { InvalidTokenError } from '../../errors';
import { bearerOf } from '../../secrets';

export function authenticate(req: IncomingMessage, verifier: TokenVerifier, onCache: (hit: boolean) => void): Principal | Promise<Principal> {
  const header = req.headers.authorization;
  const token = bearerOf(header);
  if (token === null) {
    const message = header === undefined ? 'Authorization: Bearer <token> is required' : 'Authorization header must use the Bearer scheme with a token';
    throw new InvalidTokenError('missing', message);
  }
  const hit = verifier.cached(token);
  onCache(hit !== undefined);
  return hit ?? verifier.verify(token);
}
