/**
 * A log-linear histogram with a guaranteed relative error, used by Trend sinks once their raw
 * values pass the raw-value cap (runner/metrics/trend-sink.ts, DIFFERENCES.md).
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

  add(index: number): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = index - 32;
    } else if (index < this.offset || index >= this.offset + this.counts.length) {
      this.grow(index);
    }
    this.counts[index - this.offset]! += 1;
    this.total += 1;
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

  add(value: number): void {
    if (value === Infinity) this.posInf += 1;
    else if (value === -Infinity) this.negInf += 1;
    else if (value > MIN_INDEXABLE) {
      this.positive.add(Math.ceil(Math.log(value) / this.logGamma));
    } else if (value < -MIN_INDEXABLE) {
      this.negative.add(Math.ceil(Math.log(-value) / this.logGamma));
    } else {
      this.zeros += 1;
    }
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
