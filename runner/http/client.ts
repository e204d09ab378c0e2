/**
 * The HTTP client under `k6/http`: one undici Agent with keep-alive pools (unbounded connections
 * per origin, pipelining 1, so thousands of concurrent requests each get a socket), redirects
 * followed hop by hop like k6 (each hop is a request with its own metrics), and k6-style timings
 * from undici's diagnostics channels.
 *
 * Timings (ms, docs/k6-semantics.md#k6-http): `blocked` = wait before the request was written minus
 * `connecting`; `connecting` = TCP connect of a socket this request opened (0 on reuse);
 * `tls_handshaking` = 0 (TLS is inside `connecting` with undici — documented); `sending` =
 * headers written → body written; `waiting` = body written → response headers; `receiving` =
 * headers → body read; `duration` = sending + waiting + receiving.
 */
import diagnostics from 'node:diagnostics_channel';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { lookupHost, type HostsTable } from './hosts';
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
  /** The raw `Set-Cookie` values, when the response has any (runner/modules/cookies.ts). */
  setCookies?: string[];
  /** Set when the request was aborted by the VU (interrupted iteration): report nothing. */
  aborted?: boolean;
  /** End of the hop, Unix ms. */
  endTime: number;
}

export interface Trace {
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

/**
 * k6's `hosts` (runner/http/hosts.ts): the socket connects to the mapped address; undici keeps
 * the origin, the Host header and the TLS server name (taken from `host`) of the URL.
 */
function hostsConnector(connect: buildConnector.connector, hosts: HostsTable): buildConnector.connector {
  return (opts, callback) => {
    const to = lookupHost(hosts, opts.hostname, Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80));
    return connect(to ? { ...opts, hostname: to.ip, port: String(to.port) } : opts, callback);
  };
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(opts: { insecureSkipTLSVerify?: boolean; hosts?: HostsTable } = {}) {
    subscribeChannels();
    const tls = { rejectUnauthorized: !opts.insecureSkipTLSVerify };
    const hosts = opts.hosts;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      pipelining: 1,
      connections: null,
      connect: hosts ? hostsConnector(buildConnector(tls), hosts) : tls,
    });
  }

  /**
   * One hop (no redirect handling). Never throws for network errors: they come back as `error`.
   *
   * Uses undici's `dispatch` with a handler of its own rather than `request()`: no response
   * stream, no async resource, no abort listener per request, headers converted once from the
   * raw buffers (bench/reports/runner.md: the request path's CPU and garbage per request).
   */
  hop(req: HopRequest): Promise<HopResult> {
    const trace: Trace = { start: performance.now(), connecting: 0 };
    const target = parseTarget(req.url);
    if (typeof target === 'string') return Promise.resolve(this.failed(req, trace, ERROR_CODES.GENERIC, target, 0, true));
    const sent = estimateSent(req, target);
    if (req.signal?.aborted) return Promise.resolve({ ...this.failed(req, trace, ERROR_CODES.GENERIC, 'aborted', sent), aborted: true });
    return new Promise<HopResult>((resolve) => {
      const handler = new HopHandler(this, req, trace, target, sent, resolve);
      pendingTrace = trace;
      try {
        this.agent.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: req.method as Dispatcher.HttpMethod,
            headers: req.headers,
            body: req.body ?? null,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
          },
          handler,
        );
      } catch (err) {
        handler.onError(err as Error);
      } finally {
        pendingTrace = undefined;
      }
      if (req.signal) handler.listen(req.signal);
    });
  }

  /** @internal the result of a hop that ended without a response. */
  failedWith(req: HopRequest, trace: Trace, err: unknown, target: Target, sent: number): HopResult {
    if (req.signal?.aborted) return { ...this.failed(req, trace, ERROR_CODES.GENERIC, 'aborted', sent), aborted: true };
    const mapped = mapNetworkError(err, req.method, req.url, target.hostPort);
    return this.failed(req, trace, mapped.code, mapped.message, sent);
  }

  /** @internal */
  timingsOf(t: Trace, end: number): Timings {
    return this.timings(t, end);
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

  private failed(req: HopRequest, trace: Trace, code: number, message: string, sent: number, invalidUrl = false): HopResult {
    if (invalidUrl) {
      const mapped = mapNetworkError(Object.assign(new Error(message), { code: 'ERR_INVALID_URL' }), req.method, req.url, '');
      code = mapped.code;
      message = mapped.message;
    }
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

/** What a hop needs from its URL, parsed once per distinct URL string (see `parseTarget`). */
interface Target {
  origin: string;
  path: string;
  hostPort: string;
  hostname: string;
  port: number;
  /** Request-line and Host header bytes besides the method (for `data_sent`). */
  lineBytes: number;
}

const targets = new Map<string, Target>();
const TARGET_CACHE_MAX = 10_000;

/** The URL's parts, or the error message for an invalid URL (cached: `new URL` per request showed in profiles). */
function parseTarget(url: string): Target | string {
  const hit = targets.get(url);
  if (hit !== undefined) return hit;
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    return (err as Error).message;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `unsupported protocol scheme "${u.protocol.replace(':', '')}"`;
  const https = u.protocol === 'https:';
  const target: Target = {
    origin: u.origin,
    path: u.pathname + u.search,
    hostPort: `${u.hostname}:${u.port || (https ? '443' : '80')}`,
    hostname: u.hostname,
    port: Number(u.port || (https ? 443 : 80)),
    lineBytes: u.pathname.length + u.search.length + 11 + u.host.length + 8,
  };
  if (targets.size >= TARGET_CACHE_MAX) targets.clear();
  targets.set(url, target);
  return target;
}

function estimateSent(req: HopRequest, target: Target): number {
  let n = req.method.length + target.lineBytes;
  const headers = req.headers;
  for (const k in headers) n += k.length + headers[k]!.length + 4;
  return n + 2 + (req.body?.length ?? 0);
}

/**
 * undici's (legacy, unwrapped) dispatch handler for one hop: collects the body chunks, converts
 * the raw headers once, and settles the hop's promise exactly once (never rejects).
 */
class HopHandler implements Dispatcher.DispatchHandler {
  private abortFn: ((err?: Error) => void) | undefined;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string> = {};
  private setCookies: string[] | undefined;
  private headerBytes = 0;
  private chunks: Buffer[] | undefined;
  private received = 0;
  private done = false;
  private offSignal: (() => void) | undefined;

  constructor(
    private readonly client: HttpClient,
    private readonly req: HopRequest,
    private readonly trace: Trace,
    private readonly target: Target,
    private readonly sent: number,
    private readonly resolve: (r: HopResult) => void,
  ) {}

  listen(signal: AbortSignal): void {
    if (this.done) return;
    const onAbort = (): void => this.abortFn?.(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    this.offSignal = () => signal.removeEventListener('abort', onAbort);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
    if (this.req.signal?.aborted) abort(new Error('aborted'));
  }

  onRequestSent(): void {
    this.trace.bodySent = performance.now();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx informational: the final response follows
    this.trace.headers = performance.now();
    this.status = statusCode;
    this.statusText = statusText;
    const headers: Record<string, string> = {};
    let bytes = 0;
    let setCookies: string[] | undefined;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const rawName = rawHeaders[i]!;
      const value = rawHeaders[i + 1]!.toString('utf8');
      const name = canonicalHeader(rawName.toString('latin1'));
      const prev = headers[name];
      headers[name] = prev === undefined ? value : `${prev}, ${value}`;
      if (name === 'Set-Cookie') (setCookies ??= []).push(value);
      bytes += rawName.length + value.length + 4;
    }
    this.headers = headers;
    this.setCookies = setCookies;
    this.headerBytes = bytes;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (!this.req.discardBody) (this.chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.done = true;
    this.offSignal?.();
    const end = performance.now();
    let body: Buffer | null = null;
    if (!this.req.discardBody) {
      const chunks = this.chunks;
      body = chunks === undefined ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.received);
    }
    const { req, trace, target } = this;
    this.resolve({
      method: req.method,
      url: req.url,
      status: this.status,
      statusText: STATUS_TEXT[this.status] ?? '',
      headers: this.headers,
      setCookies: this.setCookies,
      body,
      timings: this.client.timingsOf(trace, end),
      bytesSent: this.sent,
      bytesReceived: this.received + this.headerBytes + 17,
      proto: 'HTTP/1.1',
      remoteIp: trace.socket?.remoteAddress ?? target.hostname,
      remotePort: trace.socket?.remotePort ?? target.port,
      endTime: Date.now(),
    });
  }

  onError(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.offSignal?.();
    this.resolve(this.client.failedWith(this.req, this.trace, err, this.target, this.sent));
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected protocol upgrade'));
  }
}
