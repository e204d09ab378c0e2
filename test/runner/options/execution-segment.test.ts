/** Execution segments and k6's striping (docs/k6-semantics.md#execution-segments). */
import { describe, expect, it } from 'vitest';
import { ExecutionTuple, parseRational, parseSegment, parseSequence, rat, resolveSequence, stripePattern } from '../../../runner/options/execution-segment';

function tuple(segment: string, sequence?: string): ExecutionTuple {
  const seg = parseSegment(segment);
  const seq = sequence === undefined ? undefined : parseSequence(sequence);
  if (typeof seg === 'string' || typeof seq === 'string') throw new Error('bad input');
  const r = resolveSequence(seg, seq);
  if (typeof r === 'string') throw new Error(r);
  return ExecutionTuple.fromBounds(r.bounds, r.index);
}

const FOUR = '0,1/4,1/2,3/4,1';
const SEGMENTS = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'];

describe('execution segments', () => {
  it.each([
    ['1/4', { num: 1, den: 4 }],
    ['25%', { num: 1, den: 4 }],
    ['0.25', { num: 1, den: 4 }],
    ['1', { num: 1, den: 1 }],
  ])('%s parses as a rational', (text, r) => expect(parseRational(text)).toEqual(r));

  it.each(['1:0', '0:2', 'a:b'])('%s is not a valid segment', (text) => expect(typeof parseSegment(text)).toBe('string'));

  it('N equal segments take units round-robin', () => {
    expect(stripePattern([rat(1, 4), rat(1, 4), rat(1, 4), rat(1, 4)])).toEqual([0, 1, 2, 3]);
  });

  it.each([
    [10, [3, 3, 2, 2]],
    [1, [1, 0, 0, 0]],
    [6, [2, 2, 1, 1]],
    [4, [1, 1, 1, 1]],
    [0, [0, 0, 0, 0]],
  ])('%i units over 4 equal segments split as %j and always sum back', (value, split) => {
    const parts = SEGMENTS.map((s) => tuple(s, FOUR).scale(value));
    expect(parts).toEqual(split);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(value);
  });

  it('without a sequence the gaps are filled and the biggest segment gets the first unit', () => {
    const t = tuple('1/4:1/2');
    expect(t.lengths).toEqual([rat(1, 4), rat(1, 4), rat(1, 2)]);
    expect(t.pattern[0]).toBe(2);
  });

  it('maps local indexes to unique global ones (iterationInTest, idInTest)', () => {
    const globals = SEGMENTS.flatMap((s) => {
      const t = tuple(s, FOUR);
      return [0, 1, 2].map((i) => t.globalIndex(i));
    });
    expect(new Set(globals).size).toBe(12);
    expect(tuple('1/4:1/2', FOUR).globalIndex(2)).toBe(9);
  });

  it('re-derives a tuple from a value so iterations follow the VU split', () => {
    expect(tuple('0:1/4', FOUR).fromValue(1)!.scale(1)).toBe(1);
    expect(tuple('1/4:1/2', FOUR).fromValue(1)).toBeUndefined();
  });
});
