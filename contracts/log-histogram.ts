/**
 * A log-linear histogram with a guaranteed relative error, used by the runner's Trend sinks once
 * their raw values pass the raw-value cap (runner/metrics/trend-sink.ts, runner/DIFFERENCES.md)
 * and by tenant-verdict (verdict/), which merges one histogram per instance, phase, tenant and
 * time slice into the run's: two histograms of the same accuracy merge exactly (bucket counts
 * add), so a merged percentile has the same error bound as one histogram's. Pure: imports nothing.
 *
 * Contract (the DDSketch mapping): a positive value v lands in bucket i = ceil(log_γ v) with
 * γ = (1 + α) / (1 − α); the bucket covers (γ^(i−1), γ^i] and is represented by
 * 2γ^i / (γ + 1), which is within a factor (1 ± α) of every value in the bucket. Negative
 * values use the same mapping on |v| in a mirrored store; zeros (and values too small to map,
 * below 1e-9) are counted apart. So any rank's value is returned with relative error ≤ α, and
 * a linear interpolation between two such values (both the same sign) keeps that bound.
 *
 * Memory: one Float64 count per bucket between the smallest and largest index seen (at most
 * twice that after growth). With α = 0.0005 a span of 1 ns … 1 hour (12.6 decades) is ≈ 29,000
 * buckets ≈ 232 KB, whatever the number of samples: no growth with run length. Each further
 * decade of range costs ≈ 2,300 buckets (18 KB).
 */

/** Default relative accuracy: 0.05 % (half the 0.1 % the runner promises). */
export const DEFAULT_RELATIVE_ACCURACY = 0.0005;

/** Magnitudes below this are counted as zero (a nanosecond is 1e-6 ms, so this loses nothing). */
const MIN_INDEXABLE = 1e-9;

/** One signed side of the histogram: dense counts between `offset` and `offset + counts.length`. */
class BucketStore {
  counts: Float64Array = new Float64Array(0);
  offset = 0;
  total = 0;

  add(index: number, n = 1): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = index - 32;
    } else if (index < this.offset || index >= this.offset + this.counts.length) {
      this.grow(index);
    }
    this.counts[index - this.offset]! += n;
    this.total += n;
  }

  /** Adds every count of `other` (same mapping). */
  merge(other: BucketStore): void {
    if (other.total === 0) return;
    let first = -1;
    let last = -1;
    for (let i = 0; i < other.counts.length; i++) {
      if (other.counts[i]! > 0) {
        if (first < 0) first = i;
        last = i;
      }
    }
    // Grow once to cover both ends, then add in place.
    this.add(other.offset + first, 0);
    this.add(other.offset + last, 0);
    for (let i = first; i <= last; i++) {
      const c = other.counts[i]!;
      if (c > 0) this.counts[other.offset + i - this.offset]! += c;
    }
    this.total += other.total;
  }

  private grow(index: number): void {
    const lo = Math.min(this.offset, index);
    const hi = Math.max(this.offset + this.counts.length - 1, index);
    // Leave head room on the side that grew so a drifting distribution does not copy every time.
    const span = hi - lo + 1;
    const size = Math.max(span + 64, this.counts.length * 2);
    const newOffset = index < this.offset ? hi - size + 1 : lo;
    const next = new Float64Array(size);
    next.set(this.counts, this.offset - newOffset);
    this.counts = next;
    this.offset = newOffset;
  }

  get bucketCount(): number {
    return this.counts.length;
  }
}

export class LogHistogram {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly positive = new BucketStore();
  private readonly negative = new BucketStore();
  private zeros = 0;
  /** ±Infinity (a custom Trend may receive them): kept apart, at either end of the order. */
  private negInf = 0;
  private posInf = 0;

  constructor(relativeAccuracy = DEFAULT_RELATIVE_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`relativeAccuracy must be in (0, 1), got ${relativeAccuracy}`);
    }
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.positive.total + this.negative.total + this.zeros + this.negInf + this.posInf;
  }

  /** Buckets allocated on both sides (for memory accounting). */
  get allocatedBuckets(): number {
    return this.positive.bucketCount + this.negative.bucketCount;
  }

  /** Counts `value` once, or `n` times (a bucket of an already aggregated histogram). */
  add(value: number, n = 1): void {
    if (value === Infinity) this.posInf += n;
    else if (value === -Infinity) this.negInf += n;
    else if (value > MIN_INDEXABLE) {
      this.positive.add(Math.ceil(Math.log(value) / this.logGamma), n);
    } else if (value < -MIN_INDEXABLE) {
      this.negative.add(Math.ceil(Math.log(-value) / this.logGamma), n);
    } else {
      this.zeros += n;
    }
  }

  /** Adds every value counted in `other`, which must have the same relative accuracy. */
  merge(other: LogHistogram): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError(`cannot merge histograms of accuracy ${other.relativeAccuracy} into ${this.relativeAccuracy}`);
    }
    this.positive.merge(other.positive);
    this.negative.merge(other.negative);
    this.zeros += other.zeros;
    this.negInf += other.negInf;
    this.posInf += other.posInf;
  }

  private representative(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
  }

  /**
   * The value at 0-based `rank` in ascending order (0 ≤ rank < count), within the relative
   * accuracy. Order: negative buckets from the largest magnitude down, zeros, positive buckets up.
   */
  valueAtRank(rank: number): number {
    if (rank < this.negInf) return -Infinity;
    rank -= this.negInf;
    let remaining = rank;
    const neg = this.negative;
    if (remaining < neg.total) {
      for (let i = neg.counts.length - 1; i >= 0; i--) {
        const c = neg.counts[i]!;
        if (remaining < c) return -this.representative(i + neg.offset);
        remaining -= c;
      }
    }
    remaining = rank - neg.total;
    if (remaining < this.zeros) return 0;
    remaining -= this.zeros;
    const pos = this.positive;
    for (let i = 0; i < pos.counts.length; i++) {
      const c = pos.counts[i]!;
      if (remaining < c) return this.representative(i + pos.offset);
      remaining -= c;
    }
    if (remaining < this.posInf) return Infinity;
    // rank >= count: callers never ask, but answer with the largest value rather than NaN.
    return this.posInf > 0 ? Infinity : pos.total > 0 ? this.representative(pos.offset + pos.counts.length - 1) : 0;
  }
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * k6's percentile (linear interpolation at index pct·(n−1) over the sorted values) read from a
 * histogram whose exact `min` and `max` are known: ranks 0 and n−1 are those exact values, and
 * clamping keeps every estimate inside them. `pct` in [0, 1]; 0 without values.
 */
export function histogramPercentile(h: LogHistogram, pct: number, min: number, max: number): number {
  const n = h.count;
  if (n === 0) return 0;
  if (n === 1) return min;
  const i = pct * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const j = lo === 0 ? min : lo === n - 1 ? max : clamp(h.valueAtRank(lo), min, max);
  const k = hi === n - 1 ? max : hi === 0 ? min : clamp(h.valueAtRank(hi), min, max);
  return j + (k - j) * (i - lo);
}
