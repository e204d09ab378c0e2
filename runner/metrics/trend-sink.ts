/**
 * k6's Trend sink (`metrics/sink.go` TrendSink; docs/k6-semantics.md#metrics-api): count, min, max,
 * sum/avg exactly, and percentiles by linear interpolation at index p·(n−1) over the sorted
 * values (n = 0 → 0, n = 1 → that value); `med` is p(0.5).
 *
 * Bounded memory (issue #4 §7): raw values are kept in a Float64Array up to `rawCap` (default
 * 100,000 values = 800 KB). The first sample beyond the cap moves every raw value into a
 * LogHistogram and frees the raw buffer; from then on percentiles carry a relative error of at
 * most the histogram's accuracy (0.05 % by default) while count, min, max and avg stay exact.
 * A sink below the cap behaves exactly like k6's.
 */

import { DEFAULT_RELATIVE_ACCURACY, histogramPercentile, LogHistogram } from '../../contracts/log-histogram';

/** Raw values kept per Trend sink before switching to the histogram. */
export const DEFAULT_TREND_RAW_CAP = 100_000;

export interface TrendSinkOptions {
  rawCap?: number;
  relativeAccuracy?: number;
}

export class TrendSink {
  count = 0;
  /** min and max start at the first sample, as k6's `TrendSink.Add` (k6 v2.2 `metrics/sink.go`). */
  min = 0;
  max = 0;
  sum = 0;
  private raw: Float64Array | null = new Float64Array(16);
  /** Length of the sorted prefix of `raw`; values after it arrived since the last read. */
  private sortedCount = 0;
  private histogram: LogHistogram | null = null;
  private readonly rawCap: number;
  private readonly relativeAccuracy: number;

  constructor(options: TrendSinkOptions = {}) {
    this.rawCap = options.rawCap ?? DEFAULT_TREND_RAW_CAP;
    this.relativeAccuracy = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  }

  add(value: number): void {
    if (this.count === 0) {
      this.min = value;
      this.max = value;
    } else {
      if (value < this.min) this.min = value;
      if (value > this.max) this.max = value;
    }
    this.sum += value;
    const n = this.count;
    this.count = n + 1;

    const raw = this.raw;
    if (raw !== null) {
      if (n < this.rawCap) {
        let buf = raw;
        if (n === buf.length) {
          buf = new Float64Array(Math.min(buf.length * 2, this.rawCap));
          buf.set(raw);
          this.raw = buf;
        }
        buf[n] = value;
        return;
      }
      this.switchToHistogram(raw, n);
    }
    this.histogram!.add(value);
  }

  private switchToHistogram(raw: Float64Array, n: number): void {
    const h = new LogHistogram(this.relativeAccuracy);
    for (let i = 0; i < n; i++) h.add(raw[i]!);
    this.histogram = h;
    this.raw = null;
  }

  /** Whether percentiles are exact (raw values) or estimated (histogram). */
  get exact(): boolean {
    return this.raw !== null;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  get med(): number {
    return this.p(0.5);
  }

  /** Bytes held for values (raw buffer or histogram buckets), for memory accounting. */
  get retainedBytes(): number {
    return this.raw !== null ? this.raw.byteLength : this.histogram!.allocatedBuckets * 8;
  }

  /** Percentile `pct` in [0, 1]: linear interpolation at index pct·(count−1), as k6. */
  p(pct: number): number {
    const n = this.count;
    if (n === 0) return 0;
    if (n === 1) return this.min;
    if (this.raw === null) return histogramPercentile(this.histogram!, pct, this.min, this.max);
    const i = pct * (n - 1);
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    const values = this.sortedValues();
    const j = values[lo]!;
    const k = values[hi]!;
    return j + (k - j) * (i - lo);
  }

  /**
   * The raw values, sorted. Periodic threshold passes read a sink every 2 s while values keep
   * arriving, so only the new tail is sorted and then merged into the sorted prefix (from the
   * back, with a scratch copy of the tail): O(m log m + n) instead of re-sorting all n values.
   */
  private sortedValues(): Float64Array {
    const raw = this.raw!;
    const n = this.count;
    const done = this.sortedCount;
    if (done < n) {
      // TypedArray sort is numeric; NaN never gets here (the registry drops it).
      const tail = raw.subarray(done, n).sort().slice();
      let i = done - 1;
      let j = tail.length - 1;
      for (let k = n - 1; j >= 0; k--) {
        if (i >= 0 && raw[i]! > tail[j]!) raw[k] = raw[i--]!;
        else raw[k] = tail[j--]!;
      }
      this.sortedCount = n;
    }
    return raw.subarray(0, n);
  }
}

