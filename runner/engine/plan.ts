/**
 * The run's plan, pure (issue 16 §7): what the engine decides before any VU exists, kept apart
 * from the run so that it can be table-tested: how many VUs to pre-allocate, and which scenarios
 * need their busy code stopped on their own.
 *
 * k6 initialises, before setup(), the most VUs its scenarios need at the same time
 * (`lib/execution.go` `GetMaxPossibleVUs` over the executors' execution requirements) and hands
 * them from one buffer to whichever scenario runs. A scenario needs its `preAllocatedVUs` (its
 * VUs, for the closed-model executors) from its `startTime` until its end including
 * `gracefulStop` (its planned duration); scenarios that do not overlap share VUs.
 */

/** A scenario as the plan sees it (times in ms, VUs after the execution segment's scaling). */
export interface ScenarioSpan {
  startMs: number;
  /** Its planned duration, graceful stop included. */
  plannedMs: number;
  preAllocatedVUs: number;
}

/**
 * The VUs to initialise before the run: the largest sum of `preAllocatedVUs` over scenarios
 * running at one moment. The sum only grows when a scenario starts, so checking each start is
 * enough. A scenario always counts at its own start, even with a planned duration of 0.
 */
export function preallocatedVUs(spans: readonly ScenarioSpan[]): number {
  let needed = 0;
  for (const at of spans) {
    let sum = 0;
    for (const s of spans) if (s === at || (s.startMs <= at.startMs && at.startMs < s.startMs + s.plannedMs)) sum += s.preAllocatedVUs;
    if (sum > needed) needed = sum;
  }
  return needed;
}

/**
 * Per scenario, whether it ends before the test's last scenario does. A VU busy in synchronous
 * JavaScript blocks its thread, so only ending the thread or a node:vm timeout can stop it. At the
 * end of the last scenario the engine ends worker threads still busy, which costs nothing per
 * iteration; the scenarios that end earlier need the timeout (a watchdog per iteration, ≈ 50–90
 * µs) for their busy code to stop at their own end as in k6 rather than at the test's.
 */
export function endsBeforeLast(spans: readonly Pick<ScenarioSpan, 'startMs' | 'plannedMs'>[]): boolean[] {
  const last = spans.reduce((a, s) => Math.max(a, s.startMs + s.plannedMs), 0);
  return spans.map((s) => s.startMs + s.plannedMs < last);
}
