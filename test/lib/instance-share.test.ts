import { describe, expect, it } from 'vitest';
import { parseSegment, runsFaultScenario, segmentShare } from '../../lib/instance-share';

describe('runsFaultScenario (docs/k6-semantics.md#execution-segments: a 1-VU scenario runs on the segment that starts at 0)', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['', true],
    ['0:1/4', true],
    ['1/4', true],
    ['25%', true],
    ['0:1', true],
    ['1/4:1/2', false],
    ['3/4:1', false],
    ['25%:50%', false],
    ['0.5:1', false],
  ])('segment %j -> %s', (segment, expected) => {
    expect(runsFaultScenario(segment)).toBe(expected);
  });
});

describe('segmentShare: the fraction of the test an instance schedules', () => {
  it.each<[string | undefined, number]>([
    [undefined, 1],
    ['0:1', 1],
    ['0:1/2', 0.5],
    ['1/2:1', 0.5],
    ['1/4:2/4', 0.25],
    ['25%', 0.25],
    ['0.5:0.75', 0.25],
  ])('%j -> %d', (segment, share) => {
    expect(segmentShare(segment)).toBeCloseTo(share, 10);
  });

  it.each([['1/2:1/4'], ['a:b'], ['0:1:2'], ['0:2'], ['1/0']])('parseSegment rejects %j', (segment) => {
    expect(parseSegment(segment)).toBeUndefined();
  });
});
