/**
 * Ambient types for xk6-disruptor v0.3.17 (`k6/x/disruptor`), which @types/k6 does not cover
 * (docs/k6-semantics.md#disruptor-api). Only what the bundle uses, with the documented argument types.
 */
declare module 'k6/x/disruptor' {
  /** The fault model's one definition (contracts/http-fault.ts), not a mirror of it. */
  export type HttpFault = import('../contracts/http-fault').HttpFault;

  export interface DisruptorOptions {
    /** Max wait for the agent to be ready, Go duration string (default '30s'). */
    injectTimeout?: string;
  }

  export interface InjectOptions {
    /** Port the agent's proxy listens on in the target pod (default 8000). */
    proxyPort?: number;
  }

  export class ServiceDisruptor {
    constructor(service: string, namespace: string, options?: DisruptorOptions);
    targets(): string[];
    /**
     * Blocks for `duration` (plus setup) in k6; throws "disruptor did not receive any request"
     * when nothing reached the target during the window. The offline runner may return a Promise.
     */
    injectHTTPFaults(fault: HttpFault, duration: string, options?: InjectOptions): void | Promise<void>;
  }

  export class PodDisruptor {
    constructor(selector: { namespace: string; select?: { labels?: Record<string, string> }; exclude?: { labels?: Record<string, string> } }, options?: DisruptorOptions);
    targets(): string[];
    injectHTTPFaults(fault: HttpFault, duration: string, options?: InjectOptions): void | Promise<void>;
  }
}
