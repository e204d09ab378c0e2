/**
 * The seam between the engine and the time-series outputs (`--out`). The engine hands every
 * sample to one `SampleListener` (MetricsRegistry.setSampleListener: called from `addValue`,
 * after NaN samples are dropped and before sub-metric routing); `createOutputs` fans it out to
 * the configured outputs. An engine that aggregates samples elsewhere (e.g. from worker threads)
 * feeds the outputs by calling the same registry method, or the listener directly.
 */
import type { MetricInfo, Tags } from '../contract';
import type { Logger } from '../progress/logger';
import type { ThresholdConfig } from '../thresholds/threshold-config';

/** One sample: the metric's registered info, its value, its tags (shared, frozen or not) and Unix ms. */
export type SampleListener = (metric: MetricInfo, value: number, tags: Tags, time: number) => void;

export interface OutputParams {
  /** What followed `type=` in `--out type=arg` ('' when absent). */
  arg: string;
  cwd: string;
  /** The runner's own environment (K6_PROMETHEUS_RW_* etc.). */
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  logger: Logger;
  /** Thresholds as configured, keyed by metric key (k6 `SetThresholds`). */
  thresholds: ReadonlyMap<string, readonly ThresholdConfig[]>;
  /** The sub-metrics defined on a parent metric (for k6's `submetrics` field). */
  submetricsOf: (parent: string) => readonly MetricInfo[];
  /** Test-wide tags (`--tag`, options.tags), for outputs that label series by them. */
  testTags: Tags;
}

export interface Output {
  /** As k6 prints it in the banner, e.g. `json (results.json)`. */
  readonly description: string;
  /** Opens files or connections; a failure here stops the run before it starts. */
  start(): Promise<void>;
  addSample: SampleListener;
  /** Flushes everything buffered and closes; never throws (problems are logged). */
  stop(): Promise<void>;
}
