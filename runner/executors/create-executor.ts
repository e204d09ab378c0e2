/** Maps a scenario config to its executor (k6 `lib/executors.go` registry). */
import { CONSTANT_ARRIVAL_RATE, CONSTANT_VUS, PER_VU_ITERATIONS, RAMPING_ARRIVAL_RATE, RAMPING_VUS, SHARED_ITERATIONS } from '../constants';
import type { ScenarioConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';
import { ConstantArrivalRate } from './constant-arrival-rate';
import { ConstantVus } from './constant-vus';
import { PerVuIterations } from './per-vu-iterations';
import { RampingArrivalRate } from './ramping-arrival-rate';
import { RampingVus } from './ramping-vus';
import { SharedIterations } from './shared-iterations';
import type { Executor, ScenarioHost, VuRef } from './types';

export function createExecutor<V extends VuRef>(config: ScenarioConfig, host: ScenarioHost<V>, tuple: ExecutionTuple): Executor {
  switch (config.executor) {
    case SHARED_ITERATIONS:
      return new SharedIterations(config, host, tuple);
    case PER_VU_ITERATIONS:
      return new PerVuIterations(config, host, tuple);
    case CONSTANT_VUS:
      return new ConstantVus(config, host, tuple);
    case RAMPING_VUS:
      return new RampingVus(config, host, tuple);
    case CONSTANT_ARRIVAL_RATE:
      return new ConstantArrivalRate(config, host, tuple);
    case RAMPING_ARRIVAL_RATE:
      return new RampingArrivalRate(config, host, tuple);
  }
}
