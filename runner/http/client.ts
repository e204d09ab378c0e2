/**
 * The HTTP client under `k6/http`: one undici Agent with keep-alive pools (unbounded connections
 * per origin, pipelining 1, so thousands of concurrent requests each get a socket), redirects
 * followed hop by hop like k6 (each hop is a request with its own metrics), and k6-style timings
 * from undici's diagnostics channels.
 *
 * Timings (ms, k6-facts §2.2): `blocked` = wait before the request was written minus
 * `connecting`; `connecting` = TCP connect of a socket this request opened (0 on reuse);
 * `tls_handshaking` = 0 (TLS is inside `connecting` with undici — documented); `sending` =
 * headers written → body written; `waiting` = body written → response headers; `receiving` =
 * headers → body read; `duration` = sending + waiting + receiving.
 */
import diagnostics from 'node:diagnostics_channel';
import { Agent, type Dispatcher } from 'undici';
import { mapNetworkError, ERROR_CODES } from './error-codes';

export interface Timings {
  blocked: number;
  looking_up: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

export interface HopRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  discardBody: boolean;
  signal: AbortSignal | undefined;
}

export interface HopResult {
  method: string;
  url: string;
  status: number;
  statusText: string;
  /** Go-canonical header names, multiple values joined by ", " (k6's source behaviour). */
  headers: Record<string, string>;
  body: Buffer | null;
  timings: Timings;
  bytesSent: number;
  bytesReceived: number;
  error?: string;
  errorCode?: number;
  proto: string;
  remoteIp: string;
  remotePort: number;
  /** Set when the request was aborted by the VU (interrupted iteration): report nothing. */
  aborted?: boolean;
  /** End of the hop, Unix ms. */
  endTime: number;
}

interface Trace {
  start: number;
  sendHeaders?: number;
  bodySent?: number;
  headers?: number;
  connecting: number;
  socket?: { remoteAddress?: string; remotePort?: number };
}

const traces = new WeakMap<object, Trace>();
/**
 * Connect start times per undici connector (one connector per pool, shared by its clients);
 * `connectParams` is a fresh object in each event, so it cannot be the key. Concurrent connects
 * of one pool are matched first-in first-out, an approximation when they finish out of order.
 */
const connects = new WeakMap<object, number[]>();
const socketConnect = new WeakMap<object, number>();
const usedSockets = new WeakSet<object>();
let pendingTrace: Trace | undefined;
let channelsReady = false;

function subscribeChannels(): void {
  if (channelsReady) return;
  channelsReady = true;
  diagnostics.subscribe('undici:request:create', (msg) => {
    const { request } = msg as { request: object };
    if (pendingTrace) {
      traces.set(request, pendingTrace);
      pendingTrace = undefined;
    }
  });
  diagnostics.subscribe('undici:client:beforeConnect', (msg) => {
    const { connector } = msg as { connector: object };
    let starts = connects.get(connector);
    if (!starts) connects.set(connector, (starts = []));
    starts.push(performance.now());
  });
  diagnostics.subscribe('undici:client:connected', (msg) => {
    const { connector, socket } = msg as { connector: object; socket: object };
    const start = connects.get(connector)?.shift();
    if (start !== undefined) socketConnect.set(socket, performance.now() - start);
  });
  diagnostics.subscribe('undici:client:connectError', (msg) => {
    connects.get((msg as { connector: object }).connector)?.shift();
  });
  diagnostics.subscribe('undici:client:sendHeaders', (msg) => {
    const { request, socket } = msg as { request: object; socket: object & { remoteAddress?: string; remotePort?: number } };
    const t = traces.get(request);
    if (!t) return;
    t.sendHeaders = performance.now();
    t.socket = socket;
    if (!usedSockets.has(socket)) {
      usedSockets.add(socket);
      t.connecting = socketConnect.get(socket) ?? 0;
    }
  });
  diagnostics.subscribe('undici:request:bodySent', (msg) => {
    const t = traces.get((msg as { request: object }).request);
    if (t) t.bodySent = performance.now();
  });
  diagnostics.subscribe('undici:request:headers', (msg) => {
    const t = traces.get((msg as { request: object }).request);
    if (t) t.headers = performance.now();
  });
}

/** Go's textproto canonical form: `content-type` → `Content-Type`. */
export function canonicalHeader(name: string): string {
  let c = canonicalCache.get(name);
  if (c === undefined) {
    c = name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    if (canonicalCache.size < 1000) canonicalCache.set(name, c);
  }
  return c;
}

const canonicalCache = new Map<string, string>();

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export class HttpClient {
  private readonly agent: Agent;

  constructor(opts: { insecureSkipTLSVerify?: boolean } = {}) {
    subscribeChannels();
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      pipelining: 1,
      connections: null,
      connect: { rejectUnauthorized: !opts.insecureSkipTLSVerify },
    });
  }

  /** One hop (no redirect handling). Never throws for network errors: they come back as `error`. */
  async hop(req: HopRequest): Promise<HopResult> {
    const trace: Trace = { start: performance.now(), connecting: 0 };
    let u: URL;
    try {
      u = new URL(req.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw Object.assign(new Error(`unsupported protocol scheme "${u.protocol.replace(':', '')}"`), { code: 'ERR_INVALID_URL' });
    } catch (err) {
      const mapped = mapNetworkError(Object.assign(err as object, { code: 'ERR_INVALID_URL' }), req.method, req.url, '');
      return this.failed(req, trace, mapped.code, mapped.message, 0);
    }
    const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
    const sent = this.estimateSent(req, u);
    pendingTrace = trace;
    let res: Dispatcher.ResponseData;
    try {
      const p = this.agent.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: req.signal,
      });
      pendingTrace = undefined;
      res = await p;
    } catch (err) {
      pendingTrace = undefined;
      if (req.signal?.aborted) return { ...this.failed(req, trace, ERROR_CODES.GENERIC, 'aborted', sent), aborted: true };
      const mapped = mapNetworkError(err, req.method, req.url, hostPort);
      return this.failed(req, trace, mapped.code, mapped.message, sent);
    }
    let body: Buffer | null = null;
    let received = 0;
    try {
      if (req.discardBody) {
        for await (const chunk of res.body) received += (chunk as Buffer).length;
      } else {
        body = Buffer.from(await res.body.arrayBuffer());
        received = body.length;
      }
    } catch (err) {
      if (req.signal?.aborted) return { ...this.failed(req, trace, ERROR_CODES.GENERIC, 'aborted', sent), aborted: true };
      const mapped = mapNetworkError(err, req.method, req.url, hostPort);
      return this.failed(req, trace, mapped.code, mapped.message, sent);
    }
    const end = performance.now();
    const headers: Record<string, string> = {};
    let headerBytes = 0;
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      headers[canonicalHeader(k)] = value;
      headerBytes += k.length + value.length + 4;
    }
    return {
      method: req.method,
      url: req.url,
      status: res.statusCode,
      statusText: STATUS_TEXT[res.statusCode] ?? '',
      headers,
      body,
      timings: this.timings(trace, end),
      bytesSent: sent,
      bytesReceived: received + headerBytes + 17,
      proto: 'HTTP/1.1',
      remoteIp: trace.socket?.remoteAddress ?? u.hostname,
      remotePort: trace.socket?.remotePort ?? Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      endTime: Date.now(),
    };
  }

  private estimateSent(req: HopRequest, u: URL): number {
    let n = req.method.length + u.pathname.length + u.search.length + 11 + u.host.length + 8;
    for (const [k, v] of Object.entries(req.headers)) n += k.length + v.length + 4;
    return n + 2 + (req.body?.length ?? 0);
  }

  private timings(t: Trace, end: number): Timings {
    const sendHeaders = t.sendHeaders ?? t.start;
    const bodySent = t.bodySent ?? sendHeaders;
    const headers = t.headers ?? bodySent;
    const blocked = Math.max(0, sendHeaders - t.start - t.connecting);
    const sending = Math.max(0, bodySent - sendHeaders);
    const waiting = Math.max(0, headers - bodySent);
    const receiving = Math.max(0, end - headers);
    return { blocked, looking_up: 0, connecting: t.connecting, tls_handshaking: 0, sending, waiting, receiving, duration: sending + waiting + receiving };
  }

  private failed(req: HopRequest, trace: Trace, code: number, message: string, sent: number): HopResult {
    return {
      method: req.method,
      url: req.url,
      status: 0,
      statusText: '',
      headers: {},
      body: null,
      timings: this.timings(trace, performance.now()),
      bytesSent: sent,
      bytesReceived: 0,
      error: message,
      errorCode: code,
      proto: '',
      remoteIp: '',
      remotePort: 0,
      endTime: Date.now(),
    };
  }

  /**
   * Sends one request to a throw-away loopback server so that undici's lazy start-up work (the
   * llhttp WebAssembly parser is compiled on the first connection, ~100 ms) happens before the
   * test clock starts instead of stalling the first second of an open-model scenario.
   */
  async warmUp(requests = 400, concurrency = 16): Promise<void> {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/`;
      // Also warms the JIT for this client's request path, so the first second of the test does
      // not run it cold (measured: most start-up drops at 5,000 it/s came from that second).
      let left = requests;
      const worker = async (): Promise<void> => {
        while (left-- > 0) await this.hop({ method: 'GET', url, headers: {}, body: undefined, timeoutMs: 5000, discardBody: false, signal: undefined });
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    } catch {
      // Warm-up is an optimisation only.
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
