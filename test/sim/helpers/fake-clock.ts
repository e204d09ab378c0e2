/**
 * A manual Clock for tests: time moves only in `advance`, which fires due timers in time order
 * (intervals re-arm) and lets pending I/O callbacks run between them.
 */
import type { Clock, ClockTimer } from '../../../sim/clock';

interface Timer {
  at: number;
  every: number | null;
  fn: () => void;
  live: boolean;
}

export const flushIo = async (rounds = 3): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2026-06-01T12:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  private add(fn: () => void, ms: number, every: number | null): ClockTimer {
    const timer: Timer = { at: this.t + Math.max(0, ms), every, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((x) => x.live);
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      if (due.every !== null) due.at += due.every;
      else due.live = false;
      due.fn();
      await flushIo();
    }
    this.t = target;
    await flushIo();
  }
}
