/// <reference path="./k6-x-disruptor.d.ts" />
/**
 * The xk6-disruptor backend (k6 v1.x builds with the extension, on Kubernetes): a
 * ServiceDisruptor on the Authority's Service, created inside the chaos exec function (never in
 * init: the disruptor attaches agents to pods when used, and one instance must do it once).
 *
 * Witness: `injectHTTPFaults` returned without its "did not receive any request" error, which
 * xk6-disruptor raises when its proxy saw no traffic in the window (docs/k6-semantics.md#disruptor-api).
 */
import { ServiceDisruptor } from 'k6/x/disruptor';
import type { FaultInjector, FaultWitness } from './fault-injector';
import { formatDuration } from '../contracts/duration';
import type { HttpFault } from '../contracts/http-fault';

export interface Xk6Options {
  service: string;
  namespace: string;
}

const NO_TRAFFIC = /did not receive any request/i;

export function xk6DisruptorInjector(opts: Xk6Options): FaultInjector {
  return {
    backend: 'xk6-disruptor',
    async inject(fault: HttpFault, durationMs: number): Promise<FaultWitness> {
      const target = `service ${opts.namespace}/${opts.service}`;
      try {
        const disruptor = new ServiceDisruptor(opts.service, opts.namespace);
        // A real k6 blocks here for the window; the offline runner returns a Promise.
        await disruptor.injectHTTPFaults(fault, formatDuration(durationMs));
        return { backend: 'xk6-disruptor', witnessed: true, detail: `xk6-disruptor faulted ${target} for ${formatDuration(durationMs)} and saw traffic` };
      } catch (err) {
        const message = String((err as Error)?.message ?? err);
        if (NO_TRAFFIC.test(message)) {
          return { backend: 'xk6-disruptor', witnessed: false, requests: 0, faulted: 0, detail: `xk6-disruptor saw no request to ${target} during the window: ${message}` };
        }
        return { backend: 'xk6-disruptor', witnessed: false, detail: `xk6-disruptor could not fault ${target}: ${message}` };
      }
    },
  };
}
