/** sim/secrets.ts: bearer credentials read from a request. */
import { describe, expect, it } from 'vitest';
import { bearerOf } from '../../sim/secrets';

describe('bearerOf', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer ', null],
    [undefined, null],
  ])('%j → %j', (header, expected) => {
    expect(bearerOf(header)).toBe(expected);
  });
});
