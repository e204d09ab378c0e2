/**
 * Logging through k6's `console` global (typed here: the k6 side compiles without DOM or Node
 * types). Messages never carry tokens, secrets or Authorization headers.
 */
interface K6Console {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const out = (): K6Console => (globalThis as unknown as { console: K6Console }).console;

export const log = {
  info: (message: string): void => out().log(message),
  warn: (message: string): void => out().warn(message),
  error: (message: string): void => out().error(message),
};
