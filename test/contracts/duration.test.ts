import { describe, expect, it } from 'vitest';
import { formatDuration, goDurationString, parseDurationWithUnit, parseGoDuration, parseK6Duration } from '../../contracts/duration';

describe('parseGoDuration', () => {
  it.each([
    ['300ms', 300],
    ['1s', 1000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['0', 0],
    ['250us', 0.25],
    ['-2s', -2000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each([[''], ['5'], ['1d'], ['ms'], ['1s '], ['1 s'], ['abc'], ['1.2.3s']])('rejects %j as Go does', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('parseK6Duration (k6 script options, docs/k6-semantics.md#durations)', () => {
  it.each<[unknown, number]>([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['500', 500],
    [500, 500],
    ['0', 0],
    ['1us', 0.001],
  ])('%j is %d ms', (input, ms) => expect(parseK6Duration(input)).toBeCloseTo(ms, 9));

  it.each<[unknown]>([[''], ['abc'], ['10 seconds'], ['1x'], ['s'], ['1.5d'], ['1d-2h'], [null], [{}], [Number.NaN]])(
    '%j is not a duration, as in k6 (days are whole numbers)',
    (input) => expect(parseK6Duration(input)).toBeUndefined(),
  );
});

describe('parseDurationWithUnit (configuration)', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1d', 86_400_000],
    ['1d12h', 129_600_000],
    ['0', 0],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDurationWithUnit(text)).toBe(ms);
  });

  it.each([['600'], ['1.5'], [''], [' 5m'], ['5 m'], ['1d-2h'], ['1.5d'], ['5x']])('rejects %j', (text) => {
    expect(parseDurationWithUnit(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [250, '250ms'],
    [1500, '1500ms'],
    [40_000, '40s'],
    [75_000, '1m15s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [3_660_000, '1h1m'],
  ])('formats %i ms as %s, which Go and k6 both parse back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    if (ms >= 0) {
      expect(parseK6Duration(text)).toBe(ms);
      expect(parseGoDuration(text)).toBe(ms);
    }
  });
});

describe("goDurationString (Go's time.Duration.String)", () => {
  it.each([
    [0, '0s'],
    [0.000_5, '500ns'],
    [0.001_5, '1.5µs'],
    [250, '250ms'],
    [1.25, '1.25ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_661_500, '1h1m1.5s'],
    [-2000, '-2s'],
  ])('prints %d ms as %s, which Go parses back', (ms, text) => {
    expect(goDurationString(ms)).toBe(text);
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });
});
