/**
 * Cookies as k6 v2.2 keeps them (`lib/netext/httpext/request.go`, `js/modules/k6/http/cookiejar.go`):
 * - every VU has an active jar, replaced by an empty one at the start of each iteration unless
 *   `noCookiesReset` is set (`internal/js/runner.go` runFn); responses' `Set-Cookie` headers (of
 *   redirects too) go into it, and its cookies for a URL are sent with every request to it;
 * - `params.cookies` adds `{name: value}` or `{name: {value, replace}}` before the jar's cookies
 *   (`replace: true` keeps the jar's cookie of that name out); `params.jar` uses another jar;
 * - `http.cookieJar()` is the VU's active jar, `new http.CookieJar()` a new one, with
 *   `cookiesForURL(url)`, `set(url, name, value, {domain, path, expires, max_age, secure,
 *   http_only})`, `clear(url)` and `delete(url, name)`;
 * - `res.cookies` lists the response's own `Set-Cookie` cookies by name, each
 *   `{name, value, domain, path, http_only, secure, max_age, expires}` as Go's `readSetCookies`
 *   reads them.
 * The jar is tough-cookie's RFC 6265 jar without a public-suffix list (k6's Go jar is created with
 * none either).
 */
import { createRequire } from 'node:module';
import type { Cookie, CookieJar as ToughJar } from 'tough-cookie';

type Tough = typeof import('tough-cookie');
let tough: Tough | undefined;

/** tough-cookie (and its public-suffix data) is loaded by the first jar: runs without cookies never pay for it. */
function loadTough(): Tough {
  return (tough ??= createRequire(import.meta.url)('tough-cookie') as Tough);
}

export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

/**
 * Go's `time.Time{}.UnixNano() / 1e6`: what k6 reports as `expires` for a cookie without one
 * (the zero time's nanoseconds overflow int64 and wrap).
 */
export const GO_ZERO_TIME_MS = -6795364578871;

/** One `Set-Cookie` header value read as Go's `net/http` readSetCookies does; undefined if invalid. */
export function parseSetCookie(header: string): ResponseCookie | undefined {
  const parts = header.trim().split(';');
  const first = parts[0]!.trim();
  const eq = first.indexOf('=');
  if (eq <= 0) return undefined;
  const name = first.slice(0, eq).trim();
  let value = first.slice(eq + 1).trim();
  if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
  const c: ResponseCookie = { name, value, domain: '', path: '', http_only: false, secure: false, max_age: 0, expires: GO_ZERO_TIME_MS };
  for (const raw of parts.slice(1)) {
    const attr = raw.trim();
    if (attr === '') continue;
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : attr.slice(i + 1).trim();
    switch (key) {
      case 'secure':
        c.secure = true;
        break;
      case 'httponly':
        c.http_only = true;
        break;
      case 'domain':
        c.domain = val;
        break;
      case 'path':
        c.path = val;
        break;
      case 'max-age': {
        if (!/^-?\d+$/.test(val) || (val.startsWith('0') && val !== '0')) break;
        const secs = Number(val);
        c.max_age = secs <= 0 ? -1 : secs;
        break;
      }
      case 'expires': {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) c.expires = t;
        break;
      }
    }
  }
  return c;
}

/** `res.cookies`: the response's Set-Cookie cookies by name (a fresh object per response). */
export function responseCookies(setCookies: readonly string[] | undefined): Record<string, ResponseCookie[]> {
  const out: Record<string, ResponseCookie[]> = {};
  if (!setCookies) return out;
  for (const h of setCookies) {
    const c = parseSetCookie(h);
    if (c) (out[c.name] ??= []).push(c);
  }
  return out;
}

/** A cookie jar (k6's `CookieJar`), the script-visible object over a tough-cookie jar. */
export class K6CookieJar {
  // A private field: scripts see k6's four methods, not the jar behind them.
  readonly #jar: ToughJar = new (loadTough().CookieJar)(undefined, { rejectPublicSuffixes: false, looseMode: true });

  /** Stores a response's Set-Cookie headers for `url` (runner side). */
  static store(j: K6CookieJar, url: string, setCookies: readonly string[]): void {
    for (const h of setCookies) j.#jar.setCookieSync(h, url, { ignoreError: true });
  }

  /** The jar's cookies for `url` as name/value pairs, in sending order (runner side). */
  static pairs(j: K6CookieJar, url: string): Array<[string, string]> {
    return j.#jar.getCookiesSync(url).map((c) => [c.key, c.value]);
  }

  cookiesForURL(url: unknown): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [k, v] of K6CookieJar.pairs(this, checkURL(url, 'cookiesForURL'))) (out[k] ??= []).push(v);
    return out;
  }

  set(url: unknown, name: unknown, value: unknown, opts?: unknown): boolean {
    const u = checkURL(url, 'set');
    const c: Cookie = new (loadTough().Cookie)({ key: String(name), value: value === undefined ? '' : String(value) });
    if (opts !== undefined && opts !== null && typeof opts === 'object') {
      for (const [k, v] of Object.entries(opts as Record<string, unknown>)) {
        switch (k.toLowerCase()) {
          case 'path':
            c.path = String(v);
            break;
          case 'domain':
            c.domain = String(v).replace(/^\./, '').toLowerCase();
            break;
          case 'expires': {
            const text = String(v);
            if (text === '') break;
            const t = Date.parse(text);
            if (Number.isNaN(t)) throw new Error(`unable to parse "expires" date string "${text}"`);
            c.expires = new Date(t);
            break;
          }
          case 'max_age':
            c.maxAge = Math.trunc(Number(v));
            break;
          case 'secure':
            c.secure = Boolean(v);
            break;
          case 'http_only':
            c.httpOnly = Boolean(v);
            break;
        }
      }
    }
    this.#jar.setCookieSync(c, u, { ignoreError: true });
    return true;
  }

  clear(url: unknown): void {
    const u = checkURL(url, 'clear');
    for (const c of this.#jar.getCookiesSync(u)) expire(this.#jar, c, u);
  }

  delete(url: unknown, name: unknown): void {
    if (name === undefined || name === null || name === '') throw new Error('cookie: is null');
    const u = checkURL(url, 'delete');
    for (const c of this.#jar.getCookiesSync(u)) if (c.key === String(name)) expire(this.#jar, c, u);
  }
}

function expire(jar: ToughJar, c: Cookie, url: string): void {
  const gone = c.clone();
  if (!gone) return;
  gone.expires = new Date(0);
  gone.maxAge = null;
  jar.setCookieSync(gone, url, { ignoreError: true });
}

function checkURL(url: unknown, method: string): string {
  const text = String(url);
  try {
    return new URL(text).toString();
  } catch {
    throw new Error(`CookieJar.${method}: invalid URL ${JSON.stringify(text)}`);
  }
}

/**
 * The `Cookie` request header for `url`: `params.cookies` first, then the jar's cookies not
 * replaced by one of them (k6 `SetRequestCookies`); undefined when there is none.
 */
export function requestCookieHeader(url: string, jar: K6CookieJar | undefined, given: unknown): { header: string | undefined; sent: Record<string, Array<{ name: string; value: string; replace: boolean }>> } {
  const pairs: Array<[string, string]> = [];
  const replaced = new Set<string>();
  const sent: Record<string, Array<{ name: string; value: string; replace: boolean }>> = {};
  if (given !== undefined && given !== null) {
    if (typeof given !== 'object') throw new TypeError('params.cookies must be an object');
    for (const [name, v] of Object.entries(given as Record<string, unknown>)) {
      let value: string;
      let replace = false;
      if (v !== null && typeof v === 'object') {
        value = String((v as { value?: unknown }).value ?? '');
        replace = Boolean((v as { replace?: unknown }).replace);
      } else value = String(v);
      pairs.push([name, value]);
      if (replace) replaced.add(name);
    }
  }
  if (jar) for (const [k, v] of K6CookieJar.pairs(jar, url)) if (!replaced.has(k)) pairs.push([k, v]);
  // k6 lists what was sent from the request's Cookie header, so `replace` is always false there.
  for (const [k, v] of pairs) (sent[k] ??= []).push({ name: k, value: v, replace: false });
  return { header: pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join('; ') : undefined, sent };
}
