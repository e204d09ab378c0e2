/**
 * runner/engine/plan.ts: the VUs pre-allocated before the run are the most that scenarios running
 * at one moment need (k6 lib/execution.go GetMaxPossibleVUs over the execution requirements).
 */
import { describe, expect, it } from 'vitest';
import { endsBeforeLast, preallocatedVUs, type ScenarioSpan } from '../../../runner/engine/plan';

const span = (startMs: number, plannedMs: number, preAllocatedVUs: number): ScenarioSpan => ({ startMs, plannedMs, preAllocatedVUs });

describe('preallocatedVUs', () => {
  it.each<[string, ScenarioSpan[], number]>([
    ['no scenario needs none', [], 0],
    ['one scenario needs its own', [span(0, 10_000, 5)], 5],
    ['scenarios starting together add up', [span(0, 10_000, 5), span(0, 1000, 3)], 8],
    ['a scenario starting while another runs adds to it', [span(0, 10_000, 5), span(2000, 1000, 3)], 8],
    ['sequential scenarios share their VUs', [span(0, 1000, 5), span(1000, 1000, 3)], 5],
    ['one ending exactly when the next starts does not overlap', [span(0, 2000, 4), span(2000, 500, 4)], 4],
    ['the largest overlap wins', [span(0, 10_000, 2), span(1000, 1000, 10), span(5000, 1000, 3)], 12],
    ['a later, bigger scenario alone', [span(0, 1000, 2), span(5000, 1000, 9)], 9],
    ['a scenario with a planned duration of 0 still counts at its start', [span(0, 0, 3)], 3],
    ['zero preAllocatedVUs (an arrival-rate scenario that grows on demand)', [span(0, 1000, 0), span(0, 1000, 2)], 2],
  ])('%s', (_t, spans, want) => {
    expect(preallocatedVUs(spans)).toBe(want);
  });
});

describe('endsBeforeLast: the scenarios whose busy code needs a timeout of its own', () => {
  const at = (startMs: number, plannedMs: number) => ({ startMs, plannedMs });
  it.each<[string, Array<{ startMs: number; plannedMs: number }>, boolean[]]>([
    ['no scenario', [], []],
    ['a lone scenario ends last', [at(0, 10_000)], [false]],
    ['of two ending together, neither ends early', [at(0, 10_000), at(5000, 5000)], [false, false]],
    ['a shorter scenario ends early', [at(0, 1000), at(0, 4000)], [true, false]],
    ['a later start can make the shorter scenario end last', [at(0, 4000), at(3500, 1000)], [true, false]],
    ['a scenario of planned length 0 at the start ends early', [at(0, 0), at(0, 1)], [true, false]],
  ])('%s', (_name, spans, expected) => {
    expect(endsBeforeLast(spans)).toEqual(expected);
  });
});
