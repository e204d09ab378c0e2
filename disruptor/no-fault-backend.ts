/** `CHAOS=off`: the baseline run. Injects nothing and witnesses nothing (no chaos thresholds then). */
import type { FaultInjector, FaultWitness } from './fault-injector';

export function noFaultInjector(): FaultInjector {
  return {
    backend: 'none',
    inject(): Promise<FaultWitness> {
      return Promise.resolve({ backend: 'none', witnessed: false, detail: 'chaos is off (CHAOS=off): no fault injected' });
    },
  };
}
