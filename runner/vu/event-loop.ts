/**
 * A VU's pending async work: its timers and held requests, counted so that an iteration ends
 * only when its promise has settled AND this count is back to zero (as k6 ends it), and epochs,
 * so that work left over from an interrupted iteration neither runs nor settles later.
 */

type ReleasableTimer = NodeJS.Timeout & { __release?: () => void };

export class EventLoop {
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextTimerId = 1;
  private epoch = 0;

  /** `onCallbackError` gets what a timer callback throws. */
  constructor(private readonly onCallbackError: (err: unknown) => void) {}

  /** Registers one unit of pending async work; call the returned function once when it is done. */
  hold(): () => void {
    this.pending++;
    const epoch = this.epoch;
    let released = false;
    return () => {
      if (released || epoch !== this.epoch) return;
      released = true;
      this.pending--;
      if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
  }

  waitIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether callbacks registered in an earlier (interrupted) iteration should still run. */
  isCurrent(epoch: number): boolean {
    return epoch === this.epoch;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  setTimer(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== 'function') throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'}: callback must be a function`);
    const id = this.nextTimerId++;
    const release = this.hold();
    const epoch = this.epoch;
    const delayMs = Math.max(0, Number(ms) || 0);
    // libuv measures timers against its cached loop time, so a busy loop can fire one up to a
    // millisecond before `delayMs` of real time has passed; such a timer is re-armed for the rest.
    const due = performance.now() + delayMs;
    const run = (): void => {
      if (!this.isCurrent(epoch)) return;
      if (!repeat) {
        const left = due - performance.now();
        if (left > 0) {
          const again = setTimeout(run, Math.ceil(left));
          (again as ReleasableTimer).__release = release;
          this.timers.set(id, again);
          return;
        }
      }
      if (!repeat) this.timers.delete(id);
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.onCallbackError(err);
      } finally {
        if (!repeat) release();
      }
    };
    const handle = repeat ? setInterval(run, delayMs) : setTimeout(run, delayMs);
    this.timers.set(id, handle);
    (handle as ReleasableTimer).__release = release;
    return id;
  }

  clearTimer(id: number): void {
    const handle = this.timers.get(Number(id));
    if (!handle) return;
    clearTimeout(handle);
    this.timers.delete(Number(id));
    (handle as ReleasableTimer).__release?.();
  }

  /**
   * Drops the current iteration's pending work: timers are cleared; requests in flight finish on
   * their own but, being of an older epoch, neither emit metrics nor settle their promises.
   */
  cancel(): void {
    this.epoch++;
    for (const h of this.timers.values()) clearTimeout(h);
    this.timers.clear();
    this.pending = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
