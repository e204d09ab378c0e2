import { describe, expect, it } from 'vitest';
import { defaultMarginMs, phaseAt } from '../../lib/phase';
import type { ChaosWindow } from '../../lib/phase';

// Outage 10 s .. 25 s of run time, 1 s margins (a compressed run).
const fallback: ChaosWindow = { enabled: true, startMs: 10_000, durationMs: 15_000, marginMs: 1_000, settleMs: 0 };
const expiry: ChaosWindow = { ...fallback, settleMs: 5_000 };

describe('phaseAt', () => {
  it.each([
    [0, 'baseline'],
    [8_999, 'baseline'],
    [9_000, 'transition'],
    [10_999, 'transition'],
    [11_000, 'chaos'],
    [23_999, 'chaos'],
    [24_000, 'transition'],
    [25_999, 'transition'],
    [26_000, 'recovery'],
    [60_000, 'recovery'],
  ])('fallback mode: at %i ms the phase is %s', (t, phase) => {
    expect(phaseAt(t, fallback)).toBe(phase);
  });

  it.each([
    [25_999, 'transition'],
    [26_000, 'settling'],
    [30_999, 'settling'],
    [31_000, 'recovery'],
  ])('expiry mode: at %i ms the phase is %s (recovery starts after the stated recovery time)', (t, phase) => {
    expect(phaseAt(t, expiry)).toBe(phase);
  });

  it('is always baseline with CHAOS=off', () => {
    for (const t of [0, 10_000, 15_000, 40_000]) expect(phaseAt(t, { ...fallback, enabled: false })).toBe('baseline');
  });

  it.each([
    [15_000, 1_000],
    [60_000, 3_000],
    [300_000, 15_000],
    [3_600_000, 15_000],
  ])('defaults the margin for a %i ms outage to %i ms', (d, m) => {
    expect(defaultMarginMs(d)).toBe(m);
  });
});
