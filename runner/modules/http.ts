/**
 * `k6/http` (docs/k6-semantics.md#k6-http, k6 `js/modules/k6/http`): `asyncRequest`, the
 * synchronous `request`, `get`, `head`, `post`, `put`, `patch`, `del`, `options` and `batch` (they
 * block the VU's worker thread while the main thread sends the hops: runner/http/sync-bridge.ts),
 * `expectedStatuses`, `setResponseCallback`, the `url` template, cookie jars.
 *
 * Per hop it emits http_reqs, http_req_duration and the timing trends, http_req_failed (while a
 * response callback is set), data_sent/data_received, with k6's system tags; `tags.name` (or
 * the url template) also sets the `url` tag (URL grouping, docs/k6-semantics.md#system-tags).
 */
import { randomBytes } from 'node:crypto';
import { digestAuthorization, parseDigestChallenge } from '../http/digest-auth';
import {
  DATA_RECEIVED,
  DATA_SENT,
  HTTP_REQ_BLOCKED,
  HTTP_REQ_CONNECTING,
  HTTP_REQ_DURATION,
  HTTP_REQ_FAILED,
  HTTP_REQ_RECEIVING,
  HTTP_REQ_SENDING,
  HTTP_REQ_TLS_HANDSHAKING,
  HTTP_REQ_WAITING,
  HTTP_REQS,
  TAG_ERROR,
  TAG_ERROR_CODE,
  TAG_EXPECTED_RESPONSE,
  TAG_METHOD,
  TAG_NAME,
  TAG_PROTO,
  TAG_STATUS,
  TAG_TLS_VERSION,
  TAG_URL,
} from '../constants';
import type { HopRequest, HopResult } from '../http/client';
import { redirectAfter } from '../http/sync-bridge';
import { statusErrorCode } from '../http/error-codes';
import { parseK6Duration as parseDuration } from '../../contracts/duration';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { K6CookieJar, requestCookieHeader, responseCookies } from './cookies';
import { tagsFromArg } from './k6';

const EXPECTED = Symbol.for('k6-offline.expectedStatuses');

interface ExpectedStatuses {
  [EXPECTED]: Array<number | { min: number; max: number }>;
}

const DEFAULT_CALLBACK: ExpectedStatuses = { [EXPECTED]: [{ min: 200, max: 399 }] };
/** The first response of a digest-authenticated request: its 401 is expected (k6 httpext/request.go). */
const DIGEST_CHALLENGE_CALLBACK: ExpectedStatuses = { [EXPECTED]: [{ min: 401, max: 401 }] };

export function expectedStatuses(...args: unknown[]): ExpectedStatuses {
  if (args.length === 0) throw new Error('expectedStatuses() needs at least one status or {min, max} range');
  const list = args.map((a, i) => {
    if (typeof a === 'number' && Number.isInteger(a)) return a;
    if (a && typeof a === 'object' && Number.isInteger((a as { min: unknown }).min) && Number.isInteger((a as { max: unknown }).max)) {
      return { min: (a as { min: number }).min, max: (a as { max: number }).max };
    }
    throw new TypeError(`expectedStatuses(): argument ${i + 1} must be an integer status or {min, max}, got ${JSON.stringify(a)}`);
  });
  return Object.freeze({ [EXPECTED]: list }) as ExpectedStatuses;
}

function isExpected(cb: ExpectedStatuses, status: number): boolean {
  return cb[EXPECTED].some((e) => (typeof e === 'number' ? e === status : status >= e.min && status <= e.max));
}

function checkCallback(cb: unknown, what: string): ExpectedStatuses | null {
  if (cb === null) return null;
  if (cb && typeof cb === 'object' && EXPECTED in cb) return cb as ExpectedStatuses;
  throw new TypeError(`${what}: only the result of http.expectedStatuses() or null is supported`);
}

const METHODS_FOR: Record<string, string> = { get: 'GET', head: 'HEAD', post: 'POST', put: 'PUT', patch: 'PATCH', del: 'DELETE', options: 'OPTIONS' };

/** The `http.url\`…\`` template result: the URL plus a `name` with `${}` placeholders. */
interface UrlTemplate {
  url: string;
  name: string;
  toString(): string;
}

/**
 * `scheme://user:pass@host/…`: the URL without the credentials, the Basic Authorization value and
 * the URL as k6 shows it in tags (`****:****`, k6 `lib/netext/httpext/url.go` Clean).
 */
export function splitUserinfo(url: string): { url: string; authorization: string; masked: string; user: string; password: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/.exec(url);
  if (!m) return undefined;
  const info = m[2]!;
  const colon = info.indexOf(':');
  const decode = (t: string): string => {
    try {
      return decodeURIComponent(t);
    } catch {
      return t;
    }
  };
  const user = decode(colon < 0 ? info : info.slice(0, colon));
  const pass = colon < 0 ? '' : decode(info.slice(colon + 1));
  const rest = url.slice(m[0].length);
  return {
    url: m[1]! + rest,
    authorization: `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`,
    masked: `${m[1]!}${colon < 0 ? '****' : '****:****'}@${rest}`,
    user,
    password: pass,
  };
}

function urlTemplate(strings: TemplateStringsArray, ...values: unknown[]): UrlTemplate {
  let url = '';
  strings.forEach((s, i) => (url += s + (i < values.length ? String(values[i]) : '')));
  const name = strings.join('${}');
  return Object.freeze({ url, name, toString: () => url });
}

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === '[object ArrayBuffer]') return Buffer.from(body as ArrayBuffer);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object') {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) form.append(k, String(v));
    return Buffer.from(form.toString());
  }
  return Buffer.from(String(body));
}

interface RequestInfo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What a Response's accessors and methods read, out of sight of the script (a symbol key). */
interface ResponseState {
  hop: HopResult;
  requestInfo: () => RequestInfo;
  responseType: string;
  jsonParse: (text: string) => unknown;
  body: string | ArrayBuffer | null | undefined;
  request: unknown;
  json: unknown;
  parsed: boolean;
}

const RESPONSE_STATE = Symbol('k6-offline response');

type ResponseObject = { [RESPONSE_STATE]: ResponseState };

function responseBody(s: ResponseState): string | ArrayBuffer | null {
  if (s.body === undefined) {
    const raw = s.hop.body;
    s.body = raw === null || s.responseType === 'none' ? null : s.responseType === 'binary' ? (raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer) : raw.toString('utf8');
  }
  return s.body;
}

/**
 * `body` and `request` are own, enumerable accessors as before (JSON.stringify(res) shows them),
 * but every Response shares these getter and setter functions. Object-literal getters made new
 * closures per response, and with them a new hidden class per response: maps live in old space,
 * so each response's closures, hop and body string were reachable from old space, survived every
 * young-generation GC and were freed only by a full GC (measured: ~3.5 MB promoted per scavenge
 * at 2,500 requests/s, a mark-compact every ~9 s; shared accessors: ~0.05 MB).
 */
const RESPONSE_ACCESSORS = {
  body: {
    get(this: ResponseObject): string | ArrayBuffer | null {
      return responseBody(this[RESPONSE_STATE]);
    },
    set(this: ResponseObject, v: string | ArrayBuffer | null) {
      this[RESPONSE_STATE].body = v;
    },
    enumerable: true,
    configurable: true,
  },
  request: {
    get(this: ResponseObject): unknown {
      const s = this[RESPONSE_STATE];
      return (s.request ??= { cookies: {}, ...s.requestInfo() });
    },
    set(this: ResponseObject, v: unknown) {
      this[RESPONSE_STATE].request = v;
    },
    enumerable: true,
    configurable: true,
  },
} satisfies Record<string, PropertyDescriptor>;

/**
 * k6 `Response.json()` (js/modules/k6/http/response.go): a null body (a request error, or
 * responseType none) throws k6's message; a binary body is read as UTF-8 JSON too; with a
 * selector, a body that is not JSON gives undefined instead of an exception.
 */
function responseJson(this: ResponseObject, selector?: unknown): unknown {
  const s = this[RESPONSE_STATE];
  const body = responseBody(s);
  if (body === null) throw new Error("the body is null so we can't transform it to JSON - this likely was because of a request error getting the response");
  if (!s.parsed) {
    try {
      s.json = s.jsonParse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch (err) {
      if (selector !== undefined) return undefined;
      throw new SyntaxError(`cannot parse the response body as JSON: ${(err as Error).message}`);
    }
    s.parsed = true;
  }
  if (selector === undefined) return s.json;
  // A gjson subset: dotted paths with numeric indexes (`items.0.id`).
  let cur: unknown = s.json;
  for (const part of String(selector).split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}


/** Hop tag sets by (interned) base tags, request tags object, then status/method/name key; shared by all VUs. */
const hopTagCache = new WeakMap<object, WeakMap<object, Map<string, Readonly<Record<string, string>>>>>();

export function createHttpModule(vu: VuApi): Record<string, unknown> {
  const engine = vu.engine;
  // The VU's active cookie jar, made when first needed and replaced by an empty one at each new
  // iteration unless noCookiesReset (runner/modules/cookies.ts).
  let activeJar: K6CookieJar | undefined;
  let jarIteration = Number.NaN;
  const keepsCookies = (): boolean => engine.options?.testOptions.noCookiesReset === true;
  const existingJar = (): K6CookieJar | undefined => (activeJar !== undefined && (jarIteration === vu.iteration || keepsCookies()) ? activeJar : undefined);
  const currentJar = (): K6CookieJar => {
    let jar = existingJar();
    if (jar === undefined) {
      jar = activeJar = new K6CookieJar();
      jarIteration = vu.iteration;
    }
    return jar;
  };
  const notImplemented = {
    html: (): never => {
      throw engine.notImplemented('response.html()');
    },
    clickLink: (): never => {
      throw engine.notImplemented('response.clickLink()');
    },
    submitForm: (): never => {
      throw engine.notImplemented('response.submitForm()');
    },
  };

  // The tags of a successful hop depend only on the base tags, the request's tags object (shared
  // per call site, see tagsFromArg), method, status, name, scheme and expected_response: the set
  // is built once per combination and shared by the samples (the registry never mutates tags).

  const buildHopTags = (base: Readonly<Record<string, string>>, hop: HopResult, method: string, nameTag: string | undefined, reqTags: Readonly<Record<string, string>>, expected: boolean | undefined): Record<string, string> => {
    const tags: Record<string, string> = { ...base, ...reqTags };
    tags[TAG_PROTO] = hop.proto;
    tags[TAG_STATUS] = String(hop.status);
    tags[TAG_METHOD] = method;
    const name = nameTag ?? hop.url;
    tags[TAG_URL] = name;
    tags[TAG_NAME] = name;
    if (hop.url.startsWith('https:') && hop.status > 0) tags[TAG_TLS_VERSION] = 'tls1.3';
    const code = hop.errorCode ?? statusErrorCode(hop.status);
    if (code !== undefined) tags[TAG_ERROR_CODE] = String(code);
    if (hop.error) tags[TAG_ERROR] = hop.error;
    if (expected !== undefined) tags[TAG_EXPECTED_RESPONSE] = String(expected);
    return tags;
  };

  const hopTags = (base: Readonly<Record<string, string>>, hop: HopResult, method: string, nameTag: string | undefined, reqTags: Readonly<Record<string, string>>, expected: boolean | undefined): Readonly<Record<string, string>> => {
    if (hop.error !== undefined || hop.errorCode !== undefined) return buildHopTags(base, hop, method, nameTag, reqTags, expected);
    let byReq = hopTagCache.get(base);
    if (byReq === undefined) hopTagCache.set(base, (byReq = new WeakMap()));
    let byKey = byReq.get(reqTags);
    if (byKey === undefined) byReq.set(reqTags, (byKey = new Map()));
    const key = `${hop.status} ${method} ${expected === undefined ? 'u' : expected ? 't' : 'f'} ${hop.url.startsWith('https:') ? 's' : ''} ${nameTag ?? hop.url}`;
    let tags = byKey.get(key);
    if (tags === undefined) {
      tags = Object.freeze(buildHopTags(base, hop, method, nameTag, reqTags, expected));
      if (byKey.size >= 2000) byKey.clear();
      byKey.set(key, tags);
    }
    return tags;
  };

  const emitHop = (hop: HopResult, method: string, nameTag: string | undefined, reqTags: Readonly<Record<string, string>>, callback: ExpectedStatuses | null): void => {
    const base = vu.sharedBaseTags();
    const expected = callback ? hop.status > 0 && isExpected(callback, hop.status) : undefined;
    const tags = hopTags(base, hop, method, nameTag, reqTags, expected);
    const t = hop.endTime;
    const tm = hop.timings;
    const registry = engine.registry;
    registry.addValue(HTTP_REQS, 1, tags, t);
    registry.addValue(HTTP_REQ_DURATION, tm.duration, tags, t);
    registry.addValue(HTTP_REQ_BLOCKED, tm.blocked, tags, t);
    registry.addValue(HTTP_REQ_CONNECTING, tm.connecting, tags, t);
    registry.addValue(HTTP_REQ_TLS_HANDSHAKING, tm.tls_handshaking, tags, t);
    registry.addValue(HTTP_REQ_SENDING, tm.sending, tags, t);
    registry.addValue(HTTP_REQ_WAITING, tm.waiting, tags, t);
    registry.addValue(HTTP_REQ_RECEIVING, tm.receiving, tags, t);
    registry.addValue(DATA_SENT, hop.bytesSent, base, t);
    registry.addValue(DATA_RECEIVED, hop.bytesReceived, base, t);
    if (expected !== undefined) registry.addValue(HTTP_REQ_FAILED, expected ? 0 : 1, tags, t);
  };

  /** The Response; `body` is decoded and `request` built only when the script reads them (see RESPONSE_ACCESSORS). */
  const makeResponse = (hop: HopResult, requestInfo: () => RequestInfo, responseType: string): Record<string, unknown> => {
    const r: Record<string | symbol, unknown> = { status: hop.status, status_text: hop.status ? `${hop.status} ${hop.statusText}`.trim() : '' };
    Object.defineProperty(r, 'body', RESPONSE_ACCESSORS.body);
    r.headers = hop.headers;
    r.url = hop.url;
    r.proto = hop.proto;
    r.remote_ip = hop.remoteIp;
    r.remote_port = hop.remotePort;
    r.error = hop.error ?? '';
    r.error_code = hop.errorCode ?? statusErrorCode(hop.status) ?? 0;
    // The hop's own object: the metrics were emitted from it already.
    r.timings = hop.timings;
    r.cookies = responseCookies(hop.setCookies);
    Object.defineProperty(r, 'request', RESPONSE_ACCESSORS.request);
    r.tls_version = hop.url.startsWith('https:') ? 'tls1.3' : '';
    r.json = responseJson;
    r.html = notImplemented.html;
    r.clickLink = notImplemented.clickLink;
    r.submitForm = notImplemented.submitForm;
    const state: ResponseState = { hop, requestInfo, responseType, jsonParse: vu.jsonParse, body: undefined, request: undefined, json: undefined, parsed: false };
    Object.defineProperty(r, RESPONSE_STATE, { value: state, enumerable: false });
    return r;
  };

  /**
   * One request as the script asked for it: the arguments validated as k6 validates them, then a
   * step per hop — `next()` gives the hop to send (with the jar's cookies), `onHop()` records it
   * (metrics, Set-Cookie) and says whether a redirect follows, `finish()` builds the Response.
   * The async API awaits each hop; the synchronous one blocks on them (runner/http/sync-bridge.ts).
   */
  const prepare = (fname: string, method: unknown, urlArg: unknown, body?: unknown, params?: unknown) => {
    if (vu.phase === 'init') throw new Error('Making http requests in the init context is not supported');
    const opts = engine.options;
    const m = String(method).toUpperCase();
    const p = (params ?? {}) as Record<string, unknown>;
    if (typeof p !== 'object') throw new TypeError(`${fname}: params must be an object`);
    const tpl = urlArg && typeof urlArg === 'object' && 'url' in (urlArg as object) && 'name' in (urlArg as object) ? (urlArg as UrlTemplate) : undefined;
    let url = tpl ? tpl.url : String(urlArg);
    const reqTags = tagsFromArg(p.tags, `${fname} params.tags`);
    let nameTag = reqTags[TAG_NAME] ?? tpl?.name;
    if (p.auth === 'ntlm') throw engine.notImplemented(`params.auth '${p.auth}'`);
    const digest = p.auth === 'digest';
    const userinfo = url.includes('@') ? splitUserinfo(url) : undefined;
    if (userinfo) {
      url = userinfo.url;
      nameTag ??= userinfo.masked;
    }
    const headers: Record<string, string> = { 'User-Agent': opts?.userAgent ?? 'k6-offline' };
    if (p.headers !== undefined && p.headers !== null) {
      if (typeof p.headers !== 'object') throw new TypeError(`${fname} params.headers must be an object`);
      const given = p.headers as Record<string, unknown>;
      for (const k in given) if (Object.prototype.hasOwnProperty.call(given, k)) headers[k] = String(given[k]);
    }
    // user:pass@host sends Basic auth unless the script set Authorization (Go's http.Client, as k6).
    // With auth: 'digest' the credentials answer the server's challenge instead (digest-auth.ts).
    if (userinfo && !digest && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.Authorization = userinfo.authorization;
    const givenJar = p.jar === undefined || p.jar === null ? undefined : p.jar;
    if (givenJar !== undefined && !(givenJar instanceof K6CookieJar)) throw new TypeError('params.jar must be a CookieJar (http.cookieJar() or new http.CookieJar())');
    const givenCookieHeader = headers.Cookie;
    let sentCookies: Record<string, unknown> = {};
    let timeoutMs = 60_000;
    if (p.timeout !== undefined) {
      const t = parseDuration(p.timeout);
      if (t === undefined || t <= 0) throw new TypeError(`${fname} params.timeout: invalid duration ${JSON.stringify(p.timeout)}`);
      timeoutMs = t;
    }
    const responseType = p.responseType === undefined ? (opts?.discardResponseBodies ? 'none' : 'text') : String(p.responseType);
    if (responseType !== 'text' && responseType !== 'binary' && responseType !== 'none') throw new TypeError(`${fname} params.responseType: invalid value ${JSON.stringify(p.responseType)} (text, binary or none)`);
    const callback = p.responseCallback !== undefined ? checkCallback(p.responseCallback, 'params.responseCallback') : vu.responseCallback === undefined ? DEFAULT_CALLBACK : (vu.responseCallback as ExpectedStatuses | null);
    const maxRedirects = p.redirects !== undefined ? Number(p.redirects) : (opts?.maxRedirects ?? 10);
    const throwErrors = p.throw !== undefined ? Boolean(p.throw) : (opts?.throwErrors ?? false);
    let payload = m === 'GET' || m === 'HEAD' ? undefined : encodeBody(body, headers);
    const sentPayload = payload;
    const requestInfo = () => ({ method: m, url, headers: { ...headers }, body: sentPayload ? sentPayload.toString('utf8') : '', cookies: sentCookies });
    let currentUrl = url;
    let currentMethod = m;
    let hopIndex = 0;
    let digestPending = digest;
    return {
      next: (): Omit<HopRequest, 'signal'> => {
        // Cookies only cost something when a jar exists or the request names some.
        const jar = (givenJar as K6CookieJar | undefined) ?? existingJar();
        if (jar !== undefined || p.cookies !== undefined) {
          const c = requestCookieHeader(currentUrl, jar, p.cookies);
          sentCookies = c.sent;
          if (c.header !== undefined) headers.Cookie = givenCookieHeader === undefined ? c.header : `${givenCookieHeader}; ${c.header}`;
          else if (givenCookieHeader === undefined) delete headers.Cookie;
        }
        return { method: currentMethod, url: currentUrl, headers, body: payload, timeoutMs, discardBody: responseType === 'none' };
      },
      /** Records a hop; true when a redirect follows. */
      onHop: (hop: HopResult): boolean => {
        emitHop(hop, currentMethod, nameTag, reqTags, digestPending && callback !== null ? DIGEST_CHALLENGE_CALLBACK : callback);
        if (hop.setCookies !== undefined) K6CookieJar.store((givenJar as K6CookieJar | undefined) ?? currentJar(), currentUrl, hop.setCookies);
        if (digestPending) {
          digestPending = false;
          // As k6: any answer but a 401 is the response; a 401 with a Digest challenge is answered once.
          const challenge = hop.status === 401 ? parseDigestChallenge(hop.headers['Www-Authenticate']) : undefined;
          if (challenge !== undefined && typeof challenge !== 'string') {
            const target = new URL(currentUrl);
            headers.Authorization = digestAuthorization(challenge, { method: currentMethod, uri: target.pathname + target.search, user: userinfo?.user ?? '', password: userinfo?.password ?? '', body: payload, cnonce: randomBytes(16).toString('hex'), nc: 1 });
            return true;
          }
        }
        const next = redirectAfter(hop, currentMethod, currentUrl, hopIndex++, maxRedirects);
        if (!next) return false;
        currentUrl = next.url;
        currentMethod = next.method;
        if (next.dropBody) payload = undefined;
        return true;
      },
      finish: (hop: HopResult): Record<string, unknown> => {
        if (hop.error) {
          if (throwErrors) throw new Error(hop.error);
          engine.logger.iterationError(`Request Failed  error="${hop.error}"`);
        }
        return makeResponse(hop, requestInfo, responseType);
      },
    };
  };
  type Prepared = ReturnType<typeof prepare>;

  const asyncRequest = (method: unknown, urlArg: unknown, body?: unknown, params?: unknown): Promise<unknown> => {
    const r = prepare('asyncRequest', method, urlArg, body, params);
    const release = vu.hold();
    const epoch = vu.currentEpoch;
    const run = async (): Promise<unknown> => {
      for (;;) {
        const hop = await engine.http.hop({ ...r.next(), signal: undefined });
        // An interrupted iteration's request: report nothing and never settle.
        if (hop.aborted || !vu.isCurrent(epoch)) return new Promise(() => undefined);
        if (!r.onHop(hop)) return r.finish(hop);
      }
    };
    const promise = run();
    promise.then(release, release);
    return promise;
  };

  /**
   * k6's synchronous calls: the VU's worker thread blocks while the main thread sends the hops
   * (a batch's requests in parallel, hop by hop so that redirects and cookies are handled here).
   */
  const syncRequests = (fname: string, prepared: Prepared[]): Array<Record<string, unknown>> => {
    const caller = engine.syncHttp;
    if (!caller) {
      throw engine.notImplemented(`http.${fname}() is synchronous, which needs the VUs in worker threads (K6_OFFLINE_WORKERS is 0: unset it or set it to 1 or more), or use http.asyncRequest`);
    }
    const out: Array<Record<string, unknown> | undefined> = prepared.map(() => undefined);
    let active = prepared.map((r, i) => ({ r, i }));
    while (active.length > 0) {
      const hops = caller.hops(active.map(({ r }) => r.next()));
      active = active.filter(({ r, i }, k) => {
        const hop = hops[k]!;
        if (r.onHop(hop)) return true;
        out[i] = r.finish(hop);
        return false;
      });
    }
    return out as Array<Record<string, unknown>>;
  };

  /** A `http.batch` entry: a URL string, `[method, url, body, params]`, or `{method, url, body, params}`. */
  const batchItem = (item: unknown, key: string): Prepared => {
    if (typeof item === 'string' || (item && typeof item === 'object' && 'url' in (item as object) && 'name' in (item as object) && !('method' in (item as object)))) return prepare('batch', 'GET', item);
    if (Array.isArray(item)) return prepare('batch', item[0], item[1], item[2], item[3]);
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      return prepare('batch', o.method ?? 'GET', o.url, o.body, o.params);
    }
    throw new TypeError(`http.batch(): request ${key} must be a URL, an array [method, url, body, params] or an object {method, url, body, params}`);
  };

  const batch = (requests: unknown): unknown => {
    if (Array.isArray(requests)) return syncRequests('batch', requests.map((r, i) => batchItem(r, String(i))));
    if (requests && typeof requests === 'object') {
      const keys = Object.keys(requests);
      const out = syncRequests('batch', keys.map((k) => batchItem((requests as Record<string, unknown>)[k], k)));
      return Object.fromEntries(keys.map((k, i) => [k, out[i]]));
    }
    throw new TypeError('http.batch(): requests must be an array or an object');
  };

  const setResponseCallback = (cb: unknown): void => {
    vu.responseCallback = checkCallback(cb, 'setResponseCallback');
  };

  const named: Record<string, unknown> = {
    asyncRequest,
    expectedStatuses,
    setResponseCallback,
    url: urlTemplate,
    file: () => {
      throw engine.notImplemented('http.file()');
    },
    cookieJar: () => {
      if (vu.phase === 'init') throw new Error('Making cookie jars in the init context is not supported');
      return currentJar();
    },
    CookieJar: function CookieJar(): K6CookieJar {
      if (vu.phase === 'init') throw new Error('Making cookie jars in the init context is not supported');
      return new K6CookieJar();
    },
  };
  named.request = (method: unknown, url: unknown, body?: unknown, params?: unknown) => syncRequests('request', [prepare('request', method, url, body, params)])[0];
  named.get = (url: unknown, params?: unknown) => syncRequests('get', [prepare('get', 'GET', url, null, params)])[0];
  named.head = (url: unknown, params?: unknown) => syncRequests('head', [prepare('head', 'HEAD', url, null, params)])[0];
  for (const f of ['post', 'put', 'patch', 'del', 'options'] as const) {
    named[f] = (url: unknown, body?: unknown, params?: unknown) => syncRequests(f, [prepare(f, METHODS_FOR[f]!, url, body, params)])[0];
  }
  named.batch = batch;
  return esModule(named);
}
