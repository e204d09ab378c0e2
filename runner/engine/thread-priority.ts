/**
 * The threads that run VUs go first when the cores are saturated (runner/README.md "Worker
 * threads"; measured in bench/reports/workers.md).
 *
 * Besides the JavaScript threads, a Node process has helper threads it starts before any worker:
 * V8's platform pool (concurrent and parallel garbage-collection marking for every isolate of
 * the process) and libuv's. When both cores are busy — the runner's scenario workers, the
 * platform under test, and a major GC's marking at once — the VUs' responses wait, every VU is
 * in flight and the arrival-rate executors drop iterations. The helpers' work can wait a little
 * (V8 finishes marking on the isolate's own thread when it must), and so can the main thread's
 * when the VUs run on workers (merging samples, outputs, thresholds every 2 s, progress): at the
 * test's start those threads get nice +10.
 *
 * Linux only: there the nice value is per thread (setpriority(2) "BUGS": under NPTL it is a
 * per-thread attribute, and a thread id is accepted where a process id is), and the threads of
 * this process are listed under /proc/self/task. Elsewhere an id would name another process, so
 * nothing is done. Raising a nice value never needs a privilege; lowering it back would, so only
 * threads that do not run the test's VUs are touched.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value the threads that do not run VUs get (at least; a higher one is kept). */
export const HELPER_NICE = 10;

export interface ThreadIo {
  platform: NodeJS.Platform;
  /** This process's thread ids (Linux: /proc/self/task). */
  threads(): number[];
  /** The main thread's id (on Linux, the process id). */
  mainThread: number;
  getPriority(tid: number): number;
  setPriority(tid: number, nice: number): void;
}

export const realThreadIo: ThreadIo = {
  platform: process.platform,
  threads: () => readdirSync('/proc/self/task').map(Number).filter(Number.isInteger),
  mainThread: process.pid,
  getPriority,
  setPriority,
};

/**
 * The process's helper threads as they are now — to be called before the first worker thread
 * starts, so that every thread listed is a helper (never the main thread).
 */
export function helperThreads(io: ThreadIo = realThreadIo): number[] {
  if (io.platform !== 'linux') return [];
  try {
    return io.threads().filter((tid) => tid !== io.mainThread);
  } catch {
    return [];
  }
}

/**
 * Gives each of `tids` that is still a thread of this process nice {@link HELPER_NICE} (one already
 * nicer keeps its value; one that refuses is skipped). Returns the ids changed. The caller lists
 * the main thread only when no VU runs on it; threads it starts later inherit its value.
 */
export function lowerThreads(tids: readonly number[], io: ThreadIo = realThreadIo): number[] {
  if (io.platform !== 'linux') return [];
  let alive: Set<number>;
  try {
    // Only threads still ours: an id that exited since the snapshot may name another process now.
    alive = new Set(io.threads());
  } catch {
    return [];
  }
  const changed: number[] = [];
  for (const tid of tids) {
    if (!alive.has(tid)) continue;
    try {
      if (io.getPriority(tid) >= HELPER_NICE) continue;
      io.setPriority(tid, HELPER_NICE);
      changed.push(tid);
    } catch {
      // Exited since the snapshot, or not permitted: the run goes on at the default priority.
    }
  }
  return changed;
}
