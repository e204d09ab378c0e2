/**
 * The only place on the k6 side that reads `k6/execution`: the run clock and the ids that keep
 * write bodies unique across VUs and Operator instances (docs/k6-semantics.md#k6-execution). Tests alias
 * `k6/execution` to a fake they drive.
 */
import exec from 'k6/execution';

/** Milliseconds since the test run started (`exec.instance.currentTestRunDuration`). */
export function runElapsedMs(): number {
  return exec.instance.currentTestRunDuration;
}

/** The VU id, unique across all instances of a distributed run. */
export function vuIdInTest(): number {
  return exec.vu.idInTest;
}

/** The scenario iteration number, unique across all instances of a distributed run. */
export function iterationInTest(): number {
  return exec.scenario.iterationInTest;
}

/** Wall-clock Unix milliseconds (token expiry and audit windows are wall-clock). */
export function nowMs(): number {
  return Date.now();
}

/**
 * Stops the whole test (k6 exit code 108) with a reason k6 prints: for a configuration error only
 * found in VU code, where a thrown error would only fail the iteration, over and over.
 */
export function abortTest(reason: string): never {
  exec.test.abort(reason);
  // exec.test.abort() does not return (typed `void` by @types/k6).
  throw new Error(`test aborted: ${reason}`);
}

/**
 * This instance's execution segment (`--execution-segment`, e.g. `1/4:2/4` on the Operator's
 * second runner), or undefined in a single-instance run. Not for the init context.
 */
export function executionSegment(): string | undefined {
  const options = exec.test.options as { executionSegment?: string | null };
  return options.executionSegment ?? undefined;
}
