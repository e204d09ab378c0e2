/**
 * k6's `hosts` option: where a host name connects, instead of DNS (k6 lib/types/hosts.go,
 * lib/netext/dialer.go `getConfiguredHost`). Pure: parsed once from the options, looked up when
 * a connection is made (runner/http/client.ts).
 *
 * - Keys are host patterns, case-insensitive: `test.k6.io`, `test.k6.io:443` (that port only), or
 *   a leading wildcard, `*.k6.io` (any name ending in `.k6.io`, not `k6.io` itself).
 * - Values are an IP address, or `IP:port` (`[::1]:8443` for IPv6).
 * - `host:port` is looked up before `host`; among wildcards the longest wins. A match without a
 *   port keeps the URL's port. The request's URL, `Host` header and TLS server name stay the
 *   original name: only the address the socket connects to changes.
 */
import { isIP } from 'node:net';

export interface HostTarget {
  ip: string;
  /** undefined: the URL's port. */
  port?: number;
}

export interface HostsTable {
  exact: ReadonlyMap<string, HostTarget>;
  /** Wildcard patterns as their suffix (`*.k6.io` → `.k6.io`), longest first. */
  wildcards: ReadonlyArray<readonly [suffix: string, target: HostTarget]>;
}

/** k6's pattern check (lib/types/hosts.go validHostPattern). */
const HOST_PATTERN = /^(\*\.?)?((([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9]))?(:[0-9]{1,5})?$/;
export const MAX_HOSTS_ENTRIES = 10_000;

function parseTarget(value: string): HostTarget | undefined {
  if (isIP(value)) return { ip: value };
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:]+):(\d{1,5})$/.exec(value);
  if (!m || !isIP(m[1]!)) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { ip: m[1]!, port } : undefined;
}

/** The table, or the problems (each naming `hosts` and the entry) for exit 104. */
export function parseHosts(raw: unknown): { table?: HostsTable; problems: string[] } {
  if (raw === undefined || raw === null) return { problems: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { problems: ['hosts: must be an object of {"host pattern": "IP" or "IP:port"}'] };
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_HOSTS_ENTRIES) return { problems: [`hosts: at most ${MAX_HOSTS_ENTRIES} entries (got ${entries.length})`] };
  const problems: string[] = [];
  const exact = new Map<string, HostTarget>();
  const wildcards: Array<[string, HostTarget]> = [];
  for (const [key, value] of entries) {
    const pattern = key.toLowerCase();
    if (pattern === '' || !HOST_PATTERN.test(pattern)) {
      problems.push(`hosts: invalid host pattern '${key}' (a name, name:port, or *.domain)`);
      continue;
    }
    const target = typeof value === 'string' ? parseTarget(value) : undefined;
    if (!target) {
      problems.push(`hosts['${key}']: must be an IP address or IP:port, got ${JSON.stringify(value)}`);
      continue;
    }
    if (pattern.startsWith('*')) wildcards.push([pattern.slice(1), target]);
    else exact.set(pattern, target);
  }
  wildcards.sort((a, b) => b[0].length - a[0].length);
  return problems.length > 0 ? { problems } : { table: { exact, wildcards }, problems };
}

function match(table: HostsTable, name: string): HostTarget | undefined {
  const hit = table.exact.get(name);
  if (hit) return hit;
  for (const [suffix, target] of table.wildcards) if (name.length > suffix.length && name.endsWith(suffix)) return target;
  return undefined;
}

/** Where `hostname:port` connects, or undefined for DNS as usual. */
export function lookupHost(table: HostsTable, hostname: string, port: number): { ip: string; port: number } | undefined {
  const name = hostname.toLowerCase();
  const withPort = match(table, `${name}:${port}`);
  if (withPort) return { ip: withPort.ip, port: withPort.port ?? port };
  const byName = match(table, name);
  return byName ? { ip: byName.ip, port: byName.port ?? port } : undefined;
}
