/**
 * The platform's only source of time. Every interval, deadline and token-time check goes through a
 * Clock so tests can run the 5-minute JWKS outage story in milliseconds with a fake one
 * (test/sim/helpers/fake-clock.ts). Timers are unref'd: a timer never keeps a process alive,
 * listeners do.
 */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Unix epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  setInterval(fn: () => void, ms: number): ClockTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};
