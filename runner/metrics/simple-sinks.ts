/**
 * k6's Counter, Gauge and Rate sinks (`metrics/sink.go`; docs/k6-semantics.md#metrics-api). Each is a
 * handful of numbers: constant memory whatever the run length.
 */

/** Counter: the sum of values; its rate is sum / test-run seconds (computed by the reader). */
export class CounterSink {
  count = 0;
  /** Samples received (a counter may legitimately sum to 0, yet it is not empty). */
  samples = 0;

  add(value: number): void {
    this.count += value;
    this.samples += 1;
  }
}

/**
 * Gauge: the last value added, plus min and max for the summary. Both start at the first value,
 * as k6's `GaugeSink.Add` since v2.2.0 (k6 `metrics/sink.go`, #6195): a gauge that only saw
 * negative values reports a negative `max`.
 */
export class GaugeSink {
  value = 0;
  min = 0;
  max = 0;
  samples = 0;

  add(value: number): void {
    if (this.samples === 0 || value > this.max) this.max = value;
    if (this.samples === 0 || value < this.min) this.min = value;
    this.value = value;
    this.samples += 1;
  }
}

/** Rate: the share of non-zero values. */
export class RateSink {
  trues = 0;
  total = 0;

  add(value: number): void {
    if (value !== 0) this.trues += 1;
    this.total += 1;
  }

  /** 0 when empty, as k6's `Format` (thresholds treat empty differently: see threshold-set.ts). */
  get rate(): number {
    return this.total === 0 ? 0 : this.trues / this.total;
  }
}
