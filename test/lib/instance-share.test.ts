import { describe, expect, it } from 'vitest';
import { runsFaultScenario } from '../../lib/instance-share';

describe('runsFaultScenario (reference/k6-facts.md §6: a 1-VU scenario runs on the segment that starts at 0)', () => {
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
