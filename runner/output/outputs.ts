/**
 * Builds the outputs named by `--out`/`K6_OUT`, starts them, fans samples out to them and stops
 * them. The engine wires `listener` into the registry (MetricsRegistry.setSampleListener) for
 * the run and calls `stop()` once the run and teardown are over, before the summary.
 */
import type { MetricInfo, Tags } from '../contract';
import { readThresholdsOption, type ThresholdConfig } from '../thresholds/threshold-config';
import { JsonOutput } from './json-output';
import { RemoteWriteOutput } from './prometheus-rw/output';
import type { OutSpec } from './out-specs';
import type { Output, OutputParams, SampleListener } from './types';

export type OutputFactory = (spec: OutSpec, params: OutputParams) => Output;

const FACTORIES: Record<OutSpec['type'], OutputFactory> = {
  json: (_spec, params) => new JsonOutput(params),
  'experimental-prometheus-rw': (_spec, params) => new RemoteWriteOutput(params),
};

export interface OutputSet {
  readonly outputs: readonly Output[];
  /** undefined when no output is configured, so the registry's hot path stays a single check. */
  readonly listener: SampleListener | undefined;
  stop(): Promise<void>;
}

/** Thresholds keyed by metric key, as k6 hands them to outputs (`SetThresholds`). */
export function thresholdsByKey(option: Record<string, unknown> | undefined): Map<string, ThresholdConfig[]> {
  const map = new Map<string, ThresholdConfig[]>();
  if (option === undefined) return map;
  for (const c of readThresholdsOption(option).configs) {
    const list = map.get(c.key);
    if (list) list.push(c);
    else map.set(c.key, [c]);
  }
  return map;
}

export async function startOutputs(specs: readonly OutSpec[], base: Omit<OutputParams, 'arg'>): Promise<OutputSet> {
  const outputs: Output[] = [];
  try {
    for (const spec of specs) {
      const output = FACTORIES[spec.type](spec, { ...base, arg: spec.arg });
      await output.start();
      outputs.push(output);
    }
  } catch (err) {
    await Promise.all(outputs.map((o) => o.stop()));
    throw err;
  }
  let listener: SampleListener | undefined;
  if (outputs.length === 1) listener = outputs[0]!.addSample;
  else if (outputs.length > 1) {
    listener = (metric: MetricInfo, value: number, tags: Tags, time: number) => {
      for (let i = 0; i < outputs.length; i++) outputs[i]!.addSample(metric, value, tags, time);
    };
  }
  let stopped: Promise<void> | undefined;
  return {
    outputs,
    listener,
    stop: () => (stopped ??= Promise.all(outputs.map((o) => o.stop())).then(() => undefined)),
  };
}
