/**
 * The fault agent backend (stock k6 v2, Grafana Cloud k6, VMs): drives the project's fault agent
 * over its HTTP control API with plain `k6/http` (docs/platform-api.md):
 *
 *   POST {FAULT_AGENT_URL}/v1/faults/http  {fault, duration}  (Bearer FAULT_AGENT_TOKEN) -> 201 FaultRecord
 *   ... hold the VU for the window (a timer, not sleep(): the event loop keeps running) ...
 *   GET  {FAULT_AGENT_URL}/v1/faults/{id}  -> FaultRecord {requests, faulted, endedAt}
 *
 * Witness: the agent's own counters show requests faulted in the window. Control requests are
 * tagged `traffic:control`, so no API SLO ever selects them.
 */
import http from 'k6/http';
import { setTimeout } from 'k6/timers';
import type { FaultInjector, FaultWitness } from './fault-injector';
import { formatDuration } from '../contracts/duration';
import { assertFaultRequest, type HttpFault } from '../contracts/http-fault';

export interface FaultAgentOptions {
  url: string;
  token: string;
  requestTimeoutMs: number;
  /** Injected for tests; defaults to a k6 timer. */
  wait?: (ms: number) => Promise<void>;
}

/** A fault record as the agent reports it. */
export interface FaultRecord {
  id: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
  requests: number;
  faulted: number;
}

const defaultWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isFaultRecord(v: unknown): v is FaultRecord {
  const r = v as FaultRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.requests === 'number' && typeof r.faulted === 'number';
}

/** The agent's error sentence for a refused request, without echoing anything sensitive. */
function describeRefusal(status: number, body: unknown): string {
  const doc = parseJson(body) as { error?: string; message?: string } | undefined;
  if (status === 0) return 'fault agent unreachable';
  return `fault agent answered ${status}${doc?.error ? ` ${doc.error}` : ''}${doc?.message ? `: ${doc.message}` : ''}`;
}

function witnessOf(rec: FaultRecord, note: string): FaultWitness {
  const witnessed = rec.faulted > 0;
  return {
    backend: 'fault-agent',
    witnessed,
    requests: rec.requests,
    faulted: rec.faulted,
    detail: witnessed
      ? `fault agent faulted ${rec.faulted} of ${rec.requests} requests to the Authority (fault ${rec.id}${note})`
      : `fault agent saw ${rec.requests} requests but faulted none (fault ${rec.id}${note}): the outage is not proven`,
  };
}

export function faultAgentInjector(opts: FaultAgentOptions): FaultInjector {
  const wait = opts.wait ?? defaultWait;
  const params = (name: string, withAuth: boolean) => ({
    headers: (withAuth ? { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' } : { Accept: 'application/json' }) as Record<string, string>,
    tags: { traffic: 'control', name, service: 'fault-agent' },
    timeout: opts.requestTimeoutMs,
  });

  async function readRecord(id: string): Promise<FaultRecord | undefined> {
    const res = await http.asyncRequest('GET', `${opts.url}/v1/faults/${encodeURIComponent(id)}`, null, params('/v1/faults/{id}', false));
    const doc = res.status === 200 ? parseJson(res.body) : undefined;
    return isFaultRecord(doc) ? doc : undefined;
  }

  return {
    backend: 'fault-agent',
    async inject(fault: HttpFault, durationMs: number): Promise<FaultWitness> {
      const request = assertFaultRequest({ fault, duration: formatDuration(durationMs) });
      const res = await http.asyncRequest('POST', `${opts.url}/v1/faults/http`, JSON.stringify(request), params('/v1/faults/http', true));
      const created = res.status === 201 ? parseJson(res.body) : undefined;
      if (!isFaultRecord(created)) {
        return { backend: 'fault-agent', witnessed: false, detail: `could not start the fault: ${describeRefusal(res.status, res.body)}` };
      }
      await wait(durationMs);
      // The agent ends the fault at endsAt; give it a moment to close the record, bounded.
      let rec: FaultRecord | undefined;
      for (let attempt = 0; attempt < 10; attempt++) {
        rec = await readRecord(created.id);
        if (rec && rec.endedAt !== null) break;
        await wait(500);
      }
      if (!rec) return { backend: 'fault-agent', witnessed: false, detail: `fault ${created.id} started but its record could not be read back` };
      return witnessOf(rec, rec.endedAt === null ? ', still active when read' : '');
    },
    async witnessSince(sinceMs: number, untilMs: number): Promise<FaultWitness | undefined> {
      const res = await http.asyncRequest('GET', `${opts.url}/v1/faults`, null, params('/v1/faults', false));
      const doc = res.status === 200 ? (parseJson(res.body) as { recent?: unknown[] } | undefined) : undefined;
      const recent = Array.isArray(doc?.recent) ? doc.recent.filter(isFaultRecord) : [];
      const inWindow = recent.filter((r) => {
        const started = Date.parse(r.startedAt);
        return Number.isFinite(started) && started >= sinceMs && started <= untilMs;
      });
      const best = inWindow.sort((a, b) => b.faulted - a.faulted)[0];
      return best ? witnessOf(best, ', found in teardown') : undefined;
    },
  };
}
