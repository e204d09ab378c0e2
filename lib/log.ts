/**
 * Logging through k6's `console` global (typed here: the k6 side compiles without DOM or Node
 * types). Messages never carry tokens, secrets or Authorization headers: the bundle never puts
 * one in a message, and as a second line of defence for text that comes from elsewhere (a fault
 * agent's or Authority's error message echoed in a detail) anything shaped like a JWT or a bearer
 * credential is replaced by `[redacted]` before it reaches the console. Log lines are rare (setup,
 * chaos, teardown), so the regex costs nothing.
 */
interface K6Console {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const out = (): K6Console => (globalThis as unknown as { console: K6Console }).console;

/** JWTs/JWS (base64url of `{"` starts `eyJ`), `Bearer|Basic <credential>`, and `user:password@` in a URL. */
const CREDENTIAL = /\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,4}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|(:\/\/)[^\s/?#@]+@/gi;

/** The message with anything credential-shaped replaced; also applied to thrown configuration errors. */
export function redact(message: string): string {
  return message.replace(CREDENTIAL, (_m, scheme: string | undefined, url: string | undefined) =>
    scheme ? `${scheme} [redacted]` : url ? `${url}[redacted]@` : '[redacted]',
  );
}

export const log = {
  info: (message: string): void => out().log(redact(message)),
  warn: (message: string): void => out().warn(redact(message)),
  error: (message: string): void => out().error(redact(message)),
};
