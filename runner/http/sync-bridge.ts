/**
 * k6's synchronous HTTP calls (`http.get`, `http.batch`, …) for VUs in a worker thread.
 *
 * The VU's thread cannot wait for its own event loop while its JavaScript is on the stack, so it
 * posts its hops to the main thread and blocks on `Atomics.wait` over a SharedArrayBuffer; the
 * main thread sends them on its HTTP client (a batch's requests in parallel), posts the results
 * back and wakes it with `Atomics.notify`; the VU then takes the reply with `receiveMessageOnPort`
 * (the pattern of the synckit package). Redirects and cookies stay with the VU (modules/http.ts):
 * a redirect is one more round trip. Only the calling worker
 * blocks — its other VUs wait with it, as the main thread's VUs would not (runner/DIFFERENCES.md).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { HopRequest, HopResult, HttpClient } from './client';

/** One hop as the VU prepared it (no AbortSignal: a blocked VU cannot abort). */
export type SyncHop = Omit<HopRequest, 'signal'>;

interface Reply {
  hops: HopResult[];
}

/** The redirect k6 follows after `hop`, or undefined (k6 `http.Client` redirect rules). */
export function redirectAfter(hop: HopResult, method: string, url: string, hopIndex: number, maxRedirects: number): { url: string; method: string; dropBody: boolean } | undefined {
  const location = hop.headers.Location;
  if (!(hop.status >= 300 && hop.status < 400 && location && hop.status !== 304 && hopIndex < maxRedirects)) return undefined;
  const next = new URL(location, url).toString();
  const toGet = hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST');
  return { url: next, method: toGet ? 'GET' : method, dropBody: toGet };
}

/** The worker's end: blocks the calling thread until the main thread has answered. */
export class SyncHttpCaller {
  private readonly flag: Int32Array;

  constructor(
    private readonly port: MessagePort,
    shared: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(shared);
  }

  /** Sends the hops (in parallel on the main thread) and returns their results, in order. */
  hops(hops: SyncHop[]): HopResult[] {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ hops });
    Atomics.wait(this.flag, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (!reply) throw new Error('synchronous HTTP: no reply from the main thread');
    for (const hop of reply.hops) {
      const b = hop.body as Uint8Array | null;
      if (b && !Buffer.isBuffer(b)) hop.body = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    return reply.hops;
  }
}

/**
 * The main thread's end for one worker: sends its hops and wakes it. Closing `port` (the worker
 * has exited, e.g. terminated while blocked) aborts the hops still in flight, so they do not
 * hold the run open.
 */
export function serveSyncHttp(port: MessagePort, shared: SharedArrayBuffer, http: () => HttpClient): void {
  const flag = new Int32Array(shared);
  const cancel = new AbortController();
  port.on('close', () => cancel.abort());
  port.on('message', (m: { hops: SyncHop[] }) => {
    const hops = m.hops.map((h) => ({ ...h, body: h.body && !Buffer.isBuffer(h.body) ? Buffer.from(h.body as Uint8Array) : h.body, signal: cancel.signal }));
    void Promise.all(hops.map((h) => http().hop(h))).then(
      (results) => reply(results),
      // hop() reports transport errors as results; anything else is a runner bug that must not
      // leave the VU blocked: the failure becomes a status-0 hop.
      (err: unknown) => reply(hops.map((h) => failedHop(h, err))),
    );
  });
  const reply = (hops: HopResult[]): void => {
    if (cancel.signal.aborted) return;
    port.postMessage({ hops } satisfies Reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
}

function failedHop(h: SyncHop, err: unknown): HopResult {
  const zero = { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
  return { method: h.method, url: h.url, status: 0, statusText: '', headers: {}, body: null, timings: zero, bytesSent: 0, bytesReceived: 0, error: String(err instanceof Error ? err.message : err), proto: '', remoteIp: '', remotePort: 0, endTime: Date.now() };
}
