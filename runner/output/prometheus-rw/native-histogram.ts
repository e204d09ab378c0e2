/**
 * A Prometheus native histogram as k6's remote-write output builds it (client_golang with
 * NativeHistogramBucketFactor 1.1 → schema 3: bucket boundaries 2^(i/8), bucket i holding
 * (2^((i-1)/8), 2^(i/8)]; zero bucket for |v| ≤ 2^-128), encoded as spans + deltas.
 */
import type { WireHistogram } from './wire';

export const SCHEMA = 3;
export const ZERO_THRESHOLD = 2.938735877055719e-39; // 2^-128, client_golang's default

/** The bucket index of |v| under SCHEMA: the smallest i with |v| ≤ 2^(i/8). */
export function bucketIndex(v: number): number {
  const a = Math.abs(v);
  let i = Math.ceil(Math.log2(a) * (1 << SCHEMA));
  // log2 is not exact: step to the right bucket at the boundaries.
  if (a > 2 ** (i / (1 << SCHEMA))) i++;
  else if (a <= 2 ** ((i - 1) / (1 << SCHEMA))) i--;
  return i;
}

export class NativeHistogram {
  count = 0;
  sum = 0;
  zeroCount = 0;
  private readonly positive = new Map<number, number>();
  private readonly negative = new Map<number, number>();

  observe(v: number): void {
    this.count++;
    this.sum += v;
    if (Math.abs(v) <= ZERO_THRESHOLD) {
      this.zeroCount++;
      return;
    }
    const buckets = v > 0 ? this.positive : this.negative;
    const i = bucketIndex(v);
    buckets.set(i, (buckets.get(i) ?? 0) + 1);
  }

  toWire(timestamp: number): WireHistogram {
    const pos = encodeBuckets(this.positive);
    const neg = encodeBuckets(this.negative);
    return {
      countInt: this.count,
      sum: this.sum,
      schema: SCHEMA,
      zeroThreshold: ZERO_THRESHOLD,
      zeroCountInt: this.zeroCount,
      positiveSpans: pos.spans,
      positiveDeltas: pos.deltas,
      negativeSpans: neg.spans,
      negativeDeltas: neg.deltas,
      timestamp,
    };
  }
}

/** Spans of consecutive buckets (offset = gap from the previous span's end) and count deltas. */
export function encodeBuckets(buckets: ReadonlyMap<number, number>): { spans: Array<{ offset: number; length: number }>; deltas: number[] } {
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const spans: Array<{ offset: number; length: number }> = [];
  const deltas: number[] = [];
  let prevKey = 0;
  let prevCount = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (k === 0) spans.push({ offset: key, length: 1 });
    else if (key === prevKey + 1) spans[spans.length - 1]!.length++;
    else spans.push({ offset: key - prevKey - 1, length: 1 });
    const count = buckets.get(key)!;
    deltas.push(count - prevCount);
    prevCount = count;
    prevKey = key;
  }
  return { spans, deltas };
}
