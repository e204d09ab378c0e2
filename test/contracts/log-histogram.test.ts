/** Merging log histograms: the merged percentile is the percentile of the merged samples, within the accuracy. */
import { describe, expect, it } from 'vitest';
import { histogramPercentile, LogHistogram } from '../../contracts/log-histogram';
import { seededRandom } from '../../runner/modules/k6';

function exact(sorted: number[], pct: number): number {
  const i = pct * (sorted.length - 1);
  return sorted[Math.floor(i)]! + (sorted[Math.ceil(i)]! - sorted[Math.floor(i)]!) * (i - Math.floor(i));
}

describe('LogHistogram.merge', () => {
  it.each([0.5, 0.9, 0.95, 0.99])('p(%s) of three merged parts is within 0.1 percent of the exact merged value', (pct) => {
    const rand = seededRandom(7);
    const parts = [new LogHistogram(), new LogHistogram(), new LogHistogram()];
    const all: number[] = [];
    for (let p = 0; p < parts.length; p++) {
      for (let i = 0; i < 20_000; i++) {
        // Different ranges per part, so merging must grow the buckets on both sides.
        const v = (p + 1) ** 3 * (1 + rand() * 10) + (p === 2 && i % 50 === 0 ? 5000 : 0);
        parts[p]!.add(v);
        all.push(v);
      }
    }
    const merged = new LogHistogram();
    for (const h of parts) merged.merge(h);
    all.sort((a, b) => a - b);
    expect(merged.count).toBe(all.length);
    const got = histogramPercentile(merged, pct, all[0]!, all[all.length - 1]!);
    expect(Math.abs(got - exact(all, pct)) / exact(all, pct)).toBeLessThanOrEqual(0.001);
  });

  it('refuses to merge histograms of different accuracy', () => {
    expect(() => new LogHistogram(0.001).merge(new LogHistogram(0.01))).toThrow(/accuracy/);
  });
});
