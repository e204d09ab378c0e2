/**
 * One injector interface, several backends (docs/architecture.md#conventions): xk6-disruptor on Kubernetes, the fault
 * agent's HTTP control API anywhere else, and none for `CHAOS=off`. The chaos scenario calls
 * `inject` once (1 VU x 1 iteration) and records the witness.
 */
import type { HttpFault } from '../contracts/http-fault';

export type BackendName = 'xk6-disruptor' | 'fault-agent' | 'none';

/**
 * Evidence that the fault really happened: an injector's "applied" receipt is not proof the
 * target experienced the fault (a chaos run without proof of the fault proves nothing).
 */
export interface FaultWitness {
  backend: BackendName;
  witnessed: boolean;
  /** Requests the fault proxy saw in the window, when the backend can tell. */
  requests?: number;
  /** Requests it faulted, when the backend can tell. */
  faulted?: number;
  /** One line for logs and the summary. Never contains a token. */
  detail: string;
}

export interface FaultInjector {
  readonly backend: BackendName;
  /** Injects `fault` for `durationMs` and resolves after the window with the witness. */
  inject(fault: HttpFault, durationMs: number): Promise<FaultWitness>;
  /**
   * Looks for a witness after the fact (teardown), for instances of a distributed run that did
   * not run the chaos scenario. `undefined` when the backend cannot tell.
   */
  witnessSince?(sinceMs: number, untilMs: number): Promise<FaultWitness | undefined>;
}
