/**
 * Fake of xk6-disruptor's `k6/x/disruptor`: records construction and injection and runs
 * `fakeK6.disruptor.behaviour` (throw "disruptor did not receive any request" to simulate a
 * window without traffic, docs/k6-semantics.md#disruptor-api).
 */
import { parseGoDuration } from '../../../contracts/duration';
import { validateHttpFault } from '../../../contracts/http-fault';
import { fakeK6 } from './recorder';

export class ServiceDisruptor {
  constructor(
    readonly service: string,
    readonly namespace: string,
  ) {
    fakeK6.disruptor.constructed.push({ service, namespace });
  }
  targets(): string[] {
    return [`${this.service}-0`];
  }
  async injectHTTPFaults(fault: unknown, duration: string): Promise<void> {
    const problems = validateHttpFault(fault);
    if (problems.length > 0) throw new Error(`error injecting fault: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const ms = parseGoDuration(duration);
    if (ms === undefined || ms < 1000) throw new Error(`duration must be at least 1s`);
    fakeK6.disruptor.injected.push({ fault, duration });
    await fakeK6.disruptor.behaviour();
  }
}

export class PodDisruptor extends ServiceDisruptor {}
