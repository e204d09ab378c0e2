/** Value formatting of the text summary (docs/k6-semantics.md#text-summary; k6 docs summary examples). */
import { describe, expect, it } from 'vitest';
import { humanizeBytes, humanizeDuration, humanizeValue } from '../../../runner/summary/humanize';

describe('humanizeDuration (mixed units as in k6 summaries)', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500ns'],
    [0.005, '5µs'],
    [0.01459, '14.59µs'],
    [148.214, '148.21ms'],
    [140.999, '140.99ms'], // truncated, not rounded
    [1560, '1.56s'],
    [60_000, '1m0s'],
    [90_500, '1m30s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanizeDuration(ms)).toBe(text);
  });

  it.each([
    ['s', 1234.5, '1.23s'],
    ['ms', 12.345, '12.35ms'],
    ['us', 0.5, '500.00µs'],
  ])('summaryTimeUnit %s formats %d ms as %s', (unit, ms, text) => {
    expect(humanizeDuration(ms, unit)).toBe(text);
  });
});

describe('humanizeBytes (decimal units as in k6 summaries)', () => {
  it.each([
    [7, '7 B'],
    [718, '718 B'],
    [4900, '4.9 kB'],
    [519_000, '519 kB'],
    [1_800_000, '1.8 MB'],
    [7_100_000, '7.1 MB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(humanizeBytes(bytes)).toBe(text);
  });
});

describe('humanizeValue', () => {
  it.each([
    [{ type: 'rate', contains: 'default' }, 1, '100.00%'],
    [{ type: 'rate', contains: 'default' }, 0.99999, '99.99%'], // truncated
    [{ type: 'rate', contains: 'default' }, 0, '0.00%'],
    [{ type: 'counter', contains: 'default' }, 13.1221791, '13.122179'],
    [{ type: 'counter', contains: 'default' }, 45, '45'],
    [{ type: 'gauge', contains: 'default' }, 1.5, '1.5'],
    [{ type: 'trend', contains: 'time' }, 152.38, '152.38ms'],
    [{ type: 'counter', contains: 'data' }, 519_000, '519 kB'],
  ] as const)('%j %d is %s', (kind, value, text) => {
    expect(humanizeValue(value, kind)).toBe(text);
  });
});
