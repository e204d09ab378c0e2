import { describe, expect, it } from 'vitest';
import { adoptToken, afterFailure, decide, hasToken, newTokenState, noTokenBackoffMs, noTokenState, retryIntervalMs } from '../../lib/token-policy';
import type { TokenState } from '../../lib/token-policy';

const HOUR = 3_600_000;
const mid = () => 0.5;

/** Simulates one VU using one tenant's token every `stepMs` on a fake clock. */
function simulate(opts: { until: number; stepMs: number; authorityUp: (t: number) => boolean; lifetimeS: number }) {
  let s: TokenState = newTokenState('t0', opts.lifetimeS, 0, mid);
  const attempts: number[] = [];
  const failures: number[] = [];
  let expiredUses = 0;
  let n = 0;
  for (let now = 0; now <= opts.until; now += opts.stepMs) {
    if (decide(s, now) === 'refresh') {
      attempts.push(now);
      if (opts.authorityUp(now)) s = newTokenState(`t${++n}`, opts.lifetimeS, now, mid);
      else {
        failures.push(now);
        s = afterFailure(s, now);
      }
    }
    if (now >= s.expiresAtMs) expiredUses++;
  }
  return { attempts, failures, expiredUses, final: s };
}

describe('token refresh policy', () => {
  it('refreshes once per lifetime, at a jittered point 75-90 % into it', () => {
    expect(newTokenState('x', 3600, 0, () => 0).refreshAtMs).toBe(0.75 * HOUR);
    expect(newTokenState('x', 3600, 0, () => 0.999999).refreshAtMs).toBeCloseTo(0.9 * HOUR, -3);
    const { attempts } = simulate({ until: 3 * HOUR, stepMs: 1000, authorityUp: () => true, lifetimeS: 3600 });
    expect(attempts).toEqual([0.825 * HOUR, 0.825 * HOUR * 2, 0.825 * HOUR * 3]);
  });

  it('re-jitters each VU copy of a setup token so VUs do not refresh in lockstep', () => {
    const base = newTokenState('x', 3600, 0, mid);
    const points = [0, 0.25, 0.5, 0.99].map((r) => adoptToken(base, () => r).refreshAtMs);
    expect(new Set(points).size).toBe(4);
  });

  it('makes one attempt per token lifetime while the Authority is down and the token still valid', () => {
    // Authority down from 40 to 55 minutes; the token (1 h) stays valid throughout.
    const down = (t: number) => t < 40 * 60_000 || t > 55 * 60_000;
    const { attempts, failures, expiredUses } = simulate({ until: 0.99 * HOUR, stepMs: 100, authorityUp: down, lifetimeS: 3600 });
    expect(failures).toEqual([0.825 * HOUR]);
    expect(attempts).toEqual([0.825 * HOUR]);
    expect(expiredUses).toBe(0);
  });

  it('keeps the current token until expiry, then retries at most every tenth of the lifetime (no storm)', () => {
    // 60 s tokens; Authority down from 40 s to 130 s; one use every 10 ms (a busy VU).
    const { attempts, failures } = simulate({ until: 200_000, stepMs: 10, authorityUp: (t) => t < 40_000 || t >= 130_000, lifetimeS: 60 });
    // The refresh at 49.5 s fails; the token expires at 60 s; then one retry every 60 s / 10 = 6 s.
    expect(retryIntervalMs(60_000)).toBe(6_000);
    expect(failures).toEqual([49_500, 60_000, 66_000, 72_000, 78_000, 84_000, 90_000, 96_000, 102_000, 108_000, 114_000, 120_000, 126_000]);
    expect(attempts[failures.length]).toBe(132_000);
    expect(attempts.length).toBeLessThan(20);
  });

  it.each([
    [10_000, 5_000],
    [120_000, 12_000],
    [3_600_000, 60_000],
  ])('bounds the retry interval for a %i ms lifetime to %i ms', (lifetime, interval) => {
    expect(retryIntervalMs(lifetime)).toBe(interval);
  });

  it('without a setup token: tries at first use, then backs off 5, 10, 20, 40, 60, 60 s (one attempt per interval, however busy the VU)', () => {
    let s: TokenState = noTokenState(1_000);
    expect(hasToken(s)).toBe(false);
    const attempts: number[] = [];
    // Authority down for 5 minutes; the VU uses the tenant every 10 ms.
    for (let now = 1_000; now <= 301_000; now += 10) {
      if (decide(s, now) === 'refresh') {
        attempts.push(now);
        s = afterFailure(s, now);
      }
    }
    expect(attempts).toEqual([1_000, 6_000, 16_000, 36_000, 76_000, 136_000, 196_000, 256_000]);
  });

  it('without a setup token: the first success starts an ordinary token lifetime', () => {
    let s = afterFailure(noTokenState(0), 0);
    expect(decide(s, 4_999)).toBe('use');
    expect(decide(s, 5_000)).toBe('refresh');
    s = newTokenState('t1', 60, 5_000, mid);
    expect(hasToken(s)).toBe(true);
    expect(s.failures).toBe(0);
    expect(decide(s, 5_001)).toBe('use');
  });

  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [5, 60_000],
    [50, 60_000],
  ])('backs off %i failed attempt(s) without a token by %i ms', (failures, ms) => {
    expect(noTokenBackoffMs(failures)).toBe(ms);
  });
});
