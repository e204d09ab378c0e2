/**
 * A configuration mistake found by `setup()` talking to the platform: the Authority refused the
 * client (`invalid_client`, `unauthorized_client`, `invalid_request`, a 4xx, or not a token
 * response at all) or the API refused a token the Authority had just issued (401/403 during id
 * discovery). Thrown from setup(), so k6 stops with exit code 107 before the load starts — unlike
 * an unreachable platform, which the run measures (the error-rate abort gates end it with 99).
 * Messages name the variables to check and never carry a secret or a token.
 */
import { redact } from './log';

export class SetupConfigError extends Error {
  readonly code = 'ERR_SETUP_CONFIG';

  constructor(message: string) {
    // URLs are echoed (BASE_URL, AUTH_URL): a `user:password@` in them must not be.
    super(redact(message));
    this.name = 'SetupConfigError';
  }
}
