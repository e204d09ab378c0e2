/**
 * `shared-iterations` (docs/k6-semantics.md#executors, k6 `lib/executor/shared_iterations.go`): `vus` VUs share
 * `iterations`; at `maxDuration` the iterations not started are dropped (one
 * `dropped_iterations` sample with the remainder). With segments, VUs are striped by the tuple
 * and iterations by a tuple re-derived from `vus` (docs/k6-semantics.md#execution-segments).
 */
import { BaseExecutor, pad } from './base-executor';
import type { ScenarioHost, VuRef } from './types';
import type { SharedIterationsConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

export interface SharedIterationsPlan {
  vus: number;
  iterations: number;
  /** Tuple that maps local iteration indexes to `iterationInTest`. */
  iterationTuple: ExecutionTuple | undefined;
}

export function planSharedIterations(config: SharedIterationsConfig, tuple: ExecutionTuple): SharedIterationsPlan {
  const vus = tuple.scale(config.vus);
  const iterationTuple = tuple.fromValue(config.vus);
  const iterations = iterationTuple ? iterationTuple.scale(config.iterations) : 0;
  return { vus: Math.min(vus, iterations), iterations, iterationTuple };
}

export class SharedIterations<V extends VuRef = VuRef> extends BaseExecutor<SharedIterationsConfig, V> {
  readonly plan: SharedIterationsPlan;
  readonly plannedMs: number;
  readonly maxVUs: number;
  readonly preAllocatedVUs: number;
  readonly hasWork: boolean;
  private started = 0;

  constructor(config: SharedIterationsConfig, host: ScenarioHost<V>, tuple: ExecutionTuple) {
    super(config, host, tuple);
    this.plan = planSharedIterations(config, tuple);
    this.plannedMs = config.maxDurationMs + config.gracefulStopMs;
    this.maxVUs = this.preAllocatedVUs = this.plan.vus;
    this.hasWork = this.plan.vus > 0 && this.plan.iterations > 0;
  }

  async run(): Promise<void> {
    const { vus, iterations, iterationTuple } = this.plan;
    this.startedAt = this.clock.now();
    this.startTime = Date.now();
    this.after(this.config.maxDurationMs, () => {
      const remaining = iterations - this.started;
      this.started = iterations;
      if (remaining > 0) {
        this.dropped += remaining;
        this.host.dropIterations(remaining);
      }
      this.beginEnding(this.config.gracefulStopMs);
    });
    const loop = async (): Promise<void> => {
      const vu = this.host.acquireVU();
      if (!vu) return;
      this.activeVUs++;
      try {
        while (!this.ending && this.started < iterations) {
          const local = this.started++;
          if (!(await this.iterate(vu, this.globalIndex(local, iterationTuple)))) break;
        }
      } finally {
        this.activeVUs--;
        this.host.releaseVU(vu);
      }
    };
    await Promise.all(Array.from({ length: vus }, loop));
    this.finish();
  }

  protected fraction(): number {
    return this.plan.iterations === 0 ? 1 : this.completed / this.plan.iterations;
  }

  protected detail(): string {
    const w = String(this.plan.iterations).length;
    return `${pad(this.activeVUs, String(this.plan.vus).length)}/${this.plan.vus} VUs  ${pad(this.completed, w)}/${this.plan.iterations} shared iters`;
  }
}
