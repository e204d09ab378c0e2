/**
 * A one-shot stop signal with removable listeners. Iterations subscribe while they run and
 * unsubscribe when they end, so a scenario that runs millions of iterations does not pile up
 * millions of reactions on one never-settled promise (what `interrupt.then(...)` per iteration
 * would do on an hour-long run).
 */
export class StopSignal {
  private listeners = new Set<() => void>();
  fired = false;

  /** Calls `fn` when the signal fires (at once if it already has); returns the unsubscribe. */
  on(fn: () => void): () => void {
    if (this.fired) {
      fn();
      return () => undefined;
    }
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    const ls = [...this.listeners];
    this.listeners.clear();
    for (const fn of ls) fn();
  }

  /** A signal that fires when any of `signals` fires. */
  static any(...signals: StopSignal[]): StopSignal {
    const out = new StopSignal();
    for (const s of signals) s.on(() => out.fire());
    return out;
  }
}
