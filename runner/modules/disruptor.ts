/**
 * `k6/x/disruptor` offline: ServiceDisruptor and PodDisruptor mapped onto a fault agent's control
 * API (docs/platform-api.md "Fault agent control API"). The agent is configured by the runner's
 * own environment — `K6_OFFLINE_FAULT_AGENT_URL` and `K6_OFFLINE_FAULT_AGENT_TOKEN`, never
 * `__ENV` — just as xk6-disruptor is configured by cluster credentials outside the script.
 * Without it, constructing a disruptor throws, like xk6-disruptor without a cluster.
 *
 * `injectHTTPFaults(fault, duration)` validates with contracts/http-fault.ts (as strict as
 * xk6-disruptor: string durations, no unknown fields, ≥ 1 s), POSTs the fault, and returns a
 * promise that resolves after the duration — or rejects with k6's "disruptor did not receive any
 * request" when the agent's record shows no request in the window (docs/k6-semantics.md#disruptor-api).
 */
import { parseGoDuration } from '../../contracts/duration';
import { assertHttpFault, FaultValidationError, validateFaultDuration } from '../../contracts/http-fault';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';

interface FaultRecord {
  id: string;
  requests: number;
  faulted: number;
  endedAt: string | null;
}

async function agentCall(vu: VuApi, method: string, path: string, body?: unknown): Promise<unknown> {
  const agent = vu.engine.faultAgent!;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'k6-offline-disruptor' };
  if (agent.token) headers.Authorization = `Bearer ${agent.token}`;
  const hop = await vu.engine.http.hop({
    method,
    url: new URL(path, agent.url).toString(),
    headers,
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    timeoutMs: 30_000,
    discardBody: false,
    signal: undefined,
  });
  if (hop.error) throw new Error(`error injecting fault: fault agent at ${agent.url} unreachable: ${hop.error}`);
  const text = hop.body?.toString('utf8') ?? '';
  if (hop.status >= 400) {
    let detail = text;
    try {
      const j = JSON.parse(text) as { message?: string };
      detail = j.message ?? text;
    } catch {
      /* keep text */
    }
    throw new Error(`error injecting fault: fault agent answered ${hop.status}: ${detail}`);
  }
  return text ? JSON.parse(text) : undefined;
}

export function createDisruptorModule(vu: VuApi): Record<string, unknown> {
  const requireAgent = (what: string): void => {
    if (!vu.engine.faultAgent) {
      throw new Error(
        `${what}: no fault agent configured. k6-offline maps k6/x/disruptor onto a fault agent: set K6_OFFLINE_FAULT_AGENT_URL (and K6_OFFLINE_FAULT_AGENT_TOKEN) in the environment of k6-offline itself (xk6-disruptor likewise fails without cluster credentials)`,
      );
    }
  };

  const inject = (fault: unknown, duration: unknown, options?: unknown): Promise<void> => {
    if (vu.phase === 'init') throw new Error('injectHTTPFaults cannot be called in the init context');
    const problems = validateFaultDuration(duration);
    let checked;
    try {
      checked = assertHttpFault(fault);
    } catch (err) {
      if (err instanceof FaultValidationError) throw new Error(`error injecting fault: ${err.message}${problems.length ? `; ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}` : ''}`);
      throw err;
    }
    if (problems.length) throw new Error(`error injecting fault: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('injectHTTPFaults options must be an object');
    for (const k of Object.keys((options ?? {}) as object)) {
      if (k !== 'proxyPort') throw new Error(`error injecting fault: unknown field ${k} in struct HTTPDisruptionOptions`);
    }
    const ms = parseGoDuration(String(duration))!;
    const release = vu.hold();
    return (async () => {
      try {
        const record = (await agentCall(vu, 'POST', '/v1/faults/http', { fault: checked, duration: String(duration) })) as FaultRecord;
        await new Promise((r) => setTimeout(r, ms));
        // Give the agent a moment to close the window, then read its final count.
        let final = (await agentCall(vu, 'GET', `/v1/faults/${encodeURIComponent(record.id)}`)) as FaultRecord;
        for (let i = 0; i < 20 && final.endedAt === null; i++) {
          await new Promise((r) => setTimeout(r, 50));
          final = (await agentCall(vu, 'GET', `/v1/faults/${encodeURIComponent(record.id)}`)) as FaultRecord;
        }
        if (!final.requests) throw new Error('error injecting fault: disruptor did not receive any request');
      } finally {
        release();
      }
    })();
  };

  function ServiceDisruptor(this: Record<string, unknown>, service: unknown, namespace: unknown, options?: unknown) {
    if (!new.target) throw new TypeError('ServiceDisruptor must be called with new');
    if (typeof service !== 'string' || service === '') throw new TypeError('ServiceDisruptor: service name must be a non-empty string');
    if (typeof namespace !== 'string' || namespace === '') throw new TypeError('ServiceDisruptor: namespace must be a non-empty string');
    checkOptions(options);
    requireAgent('ServiceDisruptor');
    this.targets = () => [`${service}.${namespace} (fault agent ${vu.engine.faultAgent!.url})`];
    this.injectHTTPFaults = inject;
    this.injectGrpcFaults = () => {
      throw vu.engine.notImplemented('injectGrpcFaults() (the fault agent injects HTTP faults only)');
    };
    this.terminatePods = () => {
      throw vu.engine.notImplemented('terminatePods() (the fault agent cannot terminate pods)');
    };
  }

  function PodDisruptor(this: Record<string, unknown>, selector: unknown, options?: unknown) {
    if (!new.target) throw new TypeError('PodDisruptor must be called with new');
    if (typeof selector !== 'object' || selector === null) throw new TypeError('PodDisruptor: selector must be an object {namespace, select, exclude}');
    for (const k of Object.keys(selector)) {
      if (!['namespace', 'select', 'exclude'].includes(k)) throw new Error(`PodDisruptor: unknown field ${k} in struct PodSelector`);
    }
    checkOptions(options);
    requireAgent('PodDisruptor');
    this.targets = () => [`pods (fault agent ${vu.engine.faultAgent!.url})`];
    this.injectHTTPFaults = inject;
    this.injectGrpcFaults = () => {
      throw vu.engine.notImplemented('injectGrpcFaults() (the fault agent injects HTTP faults only)');
    };
    this.injectNetworkFaults = () => {
      throw vu.engine.notImplemented('injectNetworkFaults() (the fault agent injects HTTP faults only)');
    };
    this.terminatePods = () => {
      throw vu.engine.notImplemented('terminatePods() (the fault agent cannot terminate pods)');
    };
  }

  return esModule({ ServiceDisruptor, PodDisruptor });
}

function checkOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new TypeError('disruptor options must be an object');
  for (const [k, v] of Object.entries(options)) {
    if (k !== 'injectTimeout') throw new Error(`unknown field ${k} in struct DisruptorOptions`);
    if (typeof v !== 'string' || parseGoDuration(v) === undefined) throw new Error(`injectTimeout must be a duration string such as "30s", got ${JSON.stringify(v)}`);
  }
}
