/**
 * The shape of the load the bundle schedules, shared with the launcher's banner and the bench's
 * expected-iteration count so that all three agree on what a run asked for.
 * Pure: imports nothing, ES2020 only.
 */

/** The ramp-up's first rate: a tenth of the target, at least 1 iteration per second. */
export function rampStartRate(rate: number): number {
  return Math.max(1, Math.round(rate / 10));
}
