/**
 * The clock executors run against. Injected so that unit tests drive executors with a fake clock
 * and assert exact counts (docs/architecture.md#quality-bars); the real one is `performance.now()` + timers.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Runs `fn` after pending I/O callbacks (setImmediate for the real clock). The open-model loop
   * dispatches due starts from here, so responses that arrived during an event-loop stall free
   * their VUs before the backlog of starts is judged (timers run before I/O in libuv).
   */
  defer?(fn: () => void): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  defer: (fn) => void setImmediate(fn),
};

/** Resolves after `ms` on the given clock. */
export function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
