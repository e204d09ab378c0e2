/**
 * `K6_PROMETHEUS_RW_*` for `--out experimental-prometheus-rw`, with k6's names and defaults
 * (k6 `internal/output/prometheusrw/remotewrite/config.go`, v1.x): SERVER_URL
 * (`http://localhost:9090/api/v1/write`), PUSH_INTERVAL (5s), TREND_STATS (`p(99)`),
 * TREND_AS_NATIVE_HISTOGRAM (false), HEADERS_<Name> and HTTP_HEADERS (`k:v,k:v`), USERNAME /
 * PASSWORD (basic auth when USERNAME is set), BEARER_TOKEN, INSECURE_SKIP_TLS_VERIFY,
 * STALE_MARKERS (false). Read from
 * the runner's own environment. Every bad value names its variable and the allowed values.
 */
import { parseK6Duration as parseDuration } from '../../../contracts/duration';
import { trendStatResolver } from '../../metrics/trend-stats';

export const DEFAULT_SERVER_URL = 'http://localhost:9090/api/v1/write';
export const DEFAULT_PUSH_INTERVAL_MS = 5_000;
export const DEFAULT_TREND_STATS = ['p(99)'];
/** k6's remote client timeout per push. */
export const PUSH_TIMEOUT_MS = 5_000;
const MIN_PUSH_INTERVAL_MS = 100;
const MAX_PUSH_INTERVAL_MS = 3_600_000;
const MAX_TREND_STATS = 20;

export interface RemoteWriteConfig {
  serverUrl: URL;
  pushIntervalMs: number;
  /** Stats as written (`p(99)`) — mapped to series suffixes by `statSuffix`. */
  trendStats: string[];
  trendAsNativeHistogram: boolean;
  headers: Record<string, string>;
  insecureSkipTLSVerify: boolean;
  /** K6_PROMETHEUS_RW_STALE_MARKERS: mark every series stale at the end of the run (k6 default false). */
  staleMarkers: boolean;
}

/** Go's strconv.ParseBool, which k6's envconfig uses. */
function parseGoBool(name: string, raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new Error(`${name}: must be true or false (got '${raw}')`);
}

/** k6's series suffix of a trend stat: `p(99)` → `p99`, `p(99.9)` → `p999`, others as written. */
export function statSuffix(stat: string): string {
  return stat.startsWith('p(') ? `p${stat.slice(2, -1).replaceAll('.', '')}` : stat;
}

/** Throws an Error naming the variable at fault; the caller wraps it in k6's "could not create" message. */
export function readRemoteWriteConfig(env: Readonly<Record<string, string | undefined>>): RemoteWriteConfig {
  const get = (k: string): string | undefined => env[`K6_PROMETHEUS_RW_${k}`];
  const urlText = get('SERVER_URL') ?? DEFAULT_SERVER_URL;
  let serverUrl: URL;
  try {
    serverUrl = new URL(urlText);
  } catch {
    throw new Error(`K6_PROMETHEUS_RW_SERVER_URL: must be an absolute http:// or https:// URL such as ${DEFAULT_SERVER_URL}`);
  }
  if (serverUrl.protocol !== 'http:' && serverUrl.protocol !== 'https:') {
    throw new Error(`K6_PROMETHEUS_RW_SERVER_URL: must be an http:// or https:// URL (got scheme '${serverUrl.protocol.slice(0, -1)}')`);
  }

  let pushIntervalMs = DEFAULT_PUSH_INTERVAL_MS;
  const interval = get('PUSH_INTERVAL');
  if (interval !== undefined && interval !== '') {
    const ms = parseDuration(interval);
    if (ms === undefined || ms < MIN_PUSH_INTERVAL_MS || ms > MAX_PUSH_INTERVAL_MS) {
      throw new Error(`K6_PROMETHEUS_RW_PUSH_INTERVAL: must be a duration from 100ms to 1h such as '5s' (got '${interval}')`);
    }
    pushIntervalMs = ms;
  }

  let trendStats = DEFAULT_TREND_STATS;
  const stats = get('TREND_STATS');
  if (stats !== undefined && stats !== '') {
    trendStats = stats.split(',').map((s) => s.trim());
    if (trendStats.length > MAX_TREND_STATS) throw new Error(`K6_PROMETHEUS_RW_TREND_STATS: at most ${MAX_TREND_STATS} stats (got ${trendStats.length})`);
    for (const s of trendStats) {
      if (s !== 'sum' && trendStatResolver(s) === undefined) {
        throw new Error(`K6_PROMETHEUS_RW_TREND_STATS: stat '${s}' is unknown (allowed: avg, min, med, max, count, sum, p(N) with 0 <= N <= 100)`);
      }
    }
  }

  const native = get('TREND_AS_NATIVE_HISTOGRAM');
  const stale = get('STALE_MARKERS');
  const insecure = get('INSECURE_SKIP_TLS_VERIFY');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('K6_PROMETHEUS_RW_HEADERS_') && v !== undefined) headers[k.slice('K6_PROMETHEUS_RW_HEADERS_'.length)] = v;
  }
  const httpHeaders = get('HTTP_HEADERS');
  if (httpHeaders !== undefined) {
    for (const pair of httpHeaders.split(',')) {
      const parts = pair.split(':');
      if (parts.length !== 2) throw new Error(`K6_PROMETHEUS_RW_HTTP_HEADERS: each header must be <header key>:<value>, several separated by ',' (got an entry with ${parts.length - 1} ':')`);
      headers[parts[0]!] = parts[1]!;
    }
  }
  for (const name of Object.keys(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`K6_PROMETHEUS_RW_HEADERS_${name}: '${name}' is not a valid HTTP header name`);
  }
  const username = get('USERNAME');
  if (username !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${username}:${get('PASSWORD') ?? ''}`).toString('base64')}`;
  }
  const bearer = get('BEARER_TOKEN');
  if (bearer) headers.Authorization = `Bearer ${bearer}`;

  return {
    serverUrl,
    pushIntervalMs,
    trendStats,
    trendAsNativeHistogram: native === undefined || native === '' ? false : parseGoBool('K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', native),
    headers,
    insecureSkipTLSVerify: insecure === undefined || insecure === '' ? false : parseGoBool('K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY', insecure),
    staleMarkers: stale === undefined || stale === '' ? false : parseGoBool('K6_PROMETHEUS_RW_STALE_MARKERS', stale),
  };
}

/** The URL without credentials, for the banner and log lines. */
export function safeUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return `${u.origin}${u.pathname}`;
}
