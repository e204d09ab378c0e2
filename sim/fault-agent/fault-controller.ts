/**
 * The fault agent's state: at most one active fault, replaced atomically by a new one, ended by
 * DELETE or by itself at its deadline (a clock timer, and a check on every request so a late
 * timer never extends a fault). Keeps the last RECENT_FAULTS records, newest first.
 *
 * Requests the proxy holds under a fault (delayed or black-holed) are registered with `hold`;
 * ending the fault releases them at once, so a DELETE never leaves a request waiting on a fault
 * that no longer exists.
 */
import { randomUUID } from 'node:crypto';
import { parseGoDuration } from '../../contracts/duration';
import { MAX_FAULT_DURATION_MS, MIN_FAULT_DURATION_MS, type FaultRequest, type HttpFault } from '../../contracts/http-fault';
import type { Clock, ClockTimer } from '../clock';

export const RECENT_FAULTS = 20;
/**
 * Requests a fault may hold at once (delayed or black-holed). Past it the proxy closes the new
 * request's connection instead of holding it: a long blackhole must not pin unbounded sockets.
 */
export const MAX_HELD_REQUESTS = 10_000;

export interface FaultRecord {
  id: string;
  fault: HttpFault;
  duration: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
  requests: number;
  faulted: number;
}

export class FaultController {
  private activeRecord: FaultRecord | null = null;
  private activeEndsAtMs = 0;
  private timer: ClockTimer | null = null;
  private readonly recentRecords: FaultRecord[] = [];
  private held = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly maxHeld = MAX_HELD_REQUESTS,
  ) {}

  /**
   * Starts a validated fault, ending (and replacing) the active one. Everything that can fail is
   * computed before the active fault is touched.
   */
  start(request: FaultRequest): FaultRecord {
    const now = this.clock.now();
    const durationMs = parseGoDuration(request.duration);
    if (durationMs === undefined || !(durationMs >= MIN_FAULT_DURATION_MS && durationMs <= MAX_FAULT_DURATION_MS)) {
      throw new RangeError(`fault duration must be within ${MIN_FAULT_DURATION_MS}-${MAX_FAULT_DURATION_MS} ms`);
    }
    const record: FaultRecord = {
      id: randomUUID(),
      fault: { ...request.fault },
      duration: request.duration,
      startedAt: new Date(now).toISOString(),
      endsAt: new Date(now + durationMs).toISOString(),
      endedAt: null,
      requests: 0,
      faulted: 0,
    };
    this.end();
    this.activeRecord = record;
    this.activeEndsAtMs = now + durationMs;
    this.timer = this.clock.setTimeout(() => this.expire(), durationMs);
    this.recentRecords.unshift(record);
    if (this.recentRecords.length > RECENT_FAULTS) this.recentRecords.length = RECENT_FAULTS;
    return record;
  }

  private expire(): void {
    if (this.activeRecord && this.clock.now() >= this.activeEndsAtMs) this.end();
  }

  /** Ends the active fault now; returns it, or null when none was active. */
  end(): FaultRecord | null {
    const record = this.activeRecord;
    this.timer?.cancel();
    this.timer = null;
    if (!record) return null;
    record.endedAt = new Date(Math.min(this.clock.now(), this.activeEndsAtMs)).toISOString();
    this.activeRecord = null;
    const held = this.held;
    this.held = new Set();
    for (const release of held) release();
    return record;
  }

  /**
   * Registers a request held by the active fault; `release` runs once when the fault ends.
   * Returns the function that unregisters it (the request finished on its own), or null when
   * MAX_HELD_REQUESTS are held already (the caller then closes the request instead).
   */
  hold(release: () => void): (() => void) | null {
    const set = this.held;
    if (set.size >= this.maxHeld) return null;
    set.add(release);
    return () => void set.delete(release);
  }

  /** Requests held right now (tests, and the blackhole witness). */
  get heldCount(): number {
    return this.held.size;
  }

  /** The active fault, ended first if its deadline has passed. */
  active(): FaultRecord | null {
    if (this.activeRecord && this.clock.now() >= this.activeEndsAtMs) this.end();
    return this.activeRecord;
  }

  recent(): FaultRecord[] {
    this.active();
    return [...this.recentRecords];
  }

  get(id: string): FaultRecord | undefined {
    this.active();
    return this.recentRecords.find((r) => r.id === id);
  }
}
