/** tenant-sim flags and env: defaults < env < flags; bad values name the flag and the allowed values. */
import { describe, expect, it } from 'vitest';
import { ConfigError, SIM_DEFAULTS, SIM_FLAGS, envName, formatGoDuration, parseSimArgs, usage } from '../../sim/config';

describe('parseSimArgs', () => {
  it('returns the defaults with no flags and no env', () => {
    expect(parseSimArgs([], {}).config).toEqual(SIM_DEFAULTS);
  });

  it('reads SIM_* env and lets flags win over env', () => {
    const { config } = parseSimArgs(['--api-port', '9000', '--jwks-ttl=never', '--quiet'], { SIM_API_PORT: '7000', SIM_TENANTS: '12', SIM_JWKS_REFRESH: '500ms', SIM_CLIENT_SECRET: 's3' });
    expect(config).toMatchObject({ apiPort: 9000, tenants: 12, jwksRefreshMs: 500, jwksTtlMs: Infinity, clientSecret: 's3', quiet: true });
  });

  it.each([
    ['--token-lifetime', '90s', 'tokenLifetimeMs', 90_000],
    ['--key-grace', '2h', 'keyGraceMs', 7_200_000],
    ['--jwks-ttl', '15m', 'jwksTtlMs', 900_000],
    ['--jwks-refetch-cooldown', '0', 'jwksRefetchCooldownMs', 0],
    ['--rate-limit', '12.5', 'rateLimit', 12.5],
    ['--agent-control-port', '0', 'agentControlPort', 0],
    ['--audit-log', '/tmp/a.jsonl', 'auditLog', '/tmp/a.jsonl'],
    ['--timeline-transport', 'nats', 'timelineTransport', 'nats'],
    ['--redis-url', 'rediss://:pw@cache.internal:6380/2', 'redisUrl', 'rediss://:pw@cache.internal:6380/2'],
    ['--nats-url', 'nats://127.0.0.1:4333', 'natsUrl', 'nats://127.0.0.1:4333'],
    ['--timeline-stream', 'audit_v2', 'timelineStream', 'audit_v2'],
    ['--timeline-subject', 'platform.audit.v2', 'timelineSubject', 'platform.audit.v2'],
    ['--timeline-consumer', 'ingester-b', 'timelineConsumer', 'ingester-b'],
    ['--timeline-dead-letter', 'audit_dead', 'timelineDeadLetter', 'audit_dead'],
    ['--timeline-buffer', '5000', 'timelineBuffer', 5000],
  ])('parses %s %s', (flag, value, key, expected) => {
    expect((parseSimArgs([flag, value], {}).config as unknown as Record<string, unknown>)[key]).toBe(expected);
  });

  it.each([
    [['--api-port', '70000'], "invalid value '70000' for --api-port: expected a port number 0-65535 (0 = any free port)"],
    [['--jwks-ttl', '15'], "invalid value '15' for --jwks-ttl: expected a Go duration such as '500ms', '30s', '15m' or '1h' or 'never'"],
    [['--token-lifetime', '10ms'], "invalid value '10ms' for --token-lifetime: expected a Go duration such as '500ms', '30s', '15m' or '1h', at least 1000 ms"],
    [['--tenants', '0'], "invalid value '0' for --tenants: expected a value >= 1"],
    [['--tenants', 'many'], "invalid value 'many' for --tenants: expected an integer >= 1"],
    [['--rate-limit', 'fast'], "invalid value 'fast' for --rate-limit: expected a number >= 0.001"],
    [['--quiet=maybe'], "invalid value 'maybe' for --quiet: expected true or false"],
    [['--api-port'], 'flag --api-port needs a value: API listener port (0 = any free port)'],
    [['serve'], "unexpected argument 'serve': tenant-sim takes only --flags (see --help)"],
    [['--timeline-transport', 'kafka'], "invalid value 'kafka' for --timeline-transport: expected one of memory, redis, nats"],
    [['--redis-url', 'http://127.0.0.1:6379'], 'invalid value for --redis-url: expected a URL redis://host:port or rediss://host:port'],
    [['--nats-url', 'nats:/nohost'], 'invalid value for --nats-url: expected a URL nats://host:port or tls://host:port'],
    [['--timeline-stream', 'a.b'], "invalid value 'a.b' for --timeline-stream: expected 1-64 characters from A-Z a-z 0-9 _ - (valid as a Redis key and a JetStream name)"],
    [['--timeline-subject', 'audit.>'], "invalid value 'audit.>' for --timeline-subject: expected dot-separated tokens of A-Z a-z 0-9 _ - (no wildcards), at most 128 characters, e.g. 'tenant-sim.audit'"],
    [['--timeline-buffer', '0'], "invalid value '0' for --timeline-buffer: expected a value >= 1"],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseSimArgs(argv, {})).toThrow(new ConfigError(message));
  });

  it('refuses a --jwks-ttl not longer than --jwks-refresh, naming both', () => {
    expect(() => parseSimArgs(['--jwks-ttl', '10s', '--jwks-refresh', '30s'], {})).toThrow(
      new ConfigError('--jwks-ttl (10s) must be longer than --jwks-refresh (30s), otherwise keys expire between two refreshes even without an outage'),
    );
    expect(parseSimArgs(['--jwks-ttl', 'never', '--jwks-refresh', '1h'], {}).config.jwksTtlMs).toBe(Infinity);
  });

  it('never echoes a broker URL it refuses (it may carry a password)', () => {
    expect(() => parseSimArgs(['--redis-url', 'http://user:hunter2@host'], {})).toThrow(/^(?!.*hunter2).*--redis-url/);
  });

  it('names the env variable when the bad value came from env', () => {
    expect(() => parseSimArgs([], { SIM_JWKS_REFRESH: 'soon' })).toThrow(/for SIM_JWKS_REFRESH: expected a Go duration/);
  });

  it('lists the allowed flags for an unknown one', () => {
    expect(() => parseSimArgs(['--port', '1'], {})).toThrow(/unknown flag --port; allowed flags: --host, --api-port/);
  });

  it.each([
    [['--host', '0.0.0.0'], /refusing to listen on non-loopback --host '0.0.0.0' with the local default --client-secret \(SIM_CLIENT_SECRET\) and --admin-token/],
    [['--host', '0.0.0.0', '--client-secret', 'x'], /local default --admin-token \(SIM_ADMIN_TOKEN\);/],
  ])('refuses a non-loopback host with unchanged local secrets (%j)', (argv, message) => {
    expect(() => parseSimArgs(argv, {})).toThrow(message);
  });

  it('accepts a non-loopback host once both secrets are changed, and any 127.x loopback', () => {
    expect(parseSimArgs(['--host', '0.0.0.0', '--client-secret', 'a', '--admin-token', 'b'], {}).config.host).toBe('0.0.0.0');
    expect(parseSimArgs(['--host', '127.0.0.2'], {}).config.host).toBe('127.0.0.2');
  });

  it('documents every flag with its env variable in --help', () => {
    const text = usage();
    for (const flag of ['api-port', 'jwks-ttl', 'rate-burst', 'tenant-label-cap', 'audit-log']) {
      expect(text).toContain(`--${flag}`);
      expect(text).toContain(envName(flag));
    }
  });
});

describe('formatGoDuration', () => {
  it.each([
    [3_600_000, '1h'],
    [90_000, '1m30s'],
    [600_000, '10m'],
    [2_000, '2s'],
    [250, '250ms'],
    [0, '0s'],
    [Infinity, 'never'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('duration flags are bounded at start-up (issue 15, finding 5: --jwks-refresh 600h refreshed ~600 times a second)', () => {
  it.each([
    ['--jwks-refresh', '600h', '24h'],
    ['--jwks-refresh', '100000000h', '24h'],
    ['--token-lifetime', '25h', '24h'],
    ['--key-grace', '8d', ''],
    ['--key-grace', '169h', '168h'],
    ['--jwks-ttl', '169h', '168h'],
    ['--jwks-refetch-cooldown', '2h', '1h'],
    ['--jwks-fetch-timeout', '2m', '1m'],
    ['--degraded-audit-interval', '2h', '1h'],
    ['--clock-skew', '11m', '10m'],
  ])('refuses %s %s naming the flag and the limit', (flag, value, limit) => {
    let message = '';
    try {
      parseSimArgs([flag, value, '--token-lifetime', flag === '--token-lifetime' ? value : '1h'], {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(flag);
    if (limit) expect(message).toContain(`at most ${limit}`);
  });

  it('refuses an over-limit duration from the environment, naming the variable', () => {
    expect(() => parseSimArgs([], { SIM_JWKS_REFRESH: '600h' })).toThrow(/SIM_JWKS_REFRESH.*at most 24h/);
  });

  it('every duration flag has an upper bound below the Node timer limit (2^31-1 ms)', () => {
    for (const spec of SIM_FLAGS.filter((s) => s.kind === 'duration' || s.kind === 'ttl')) {
      expect(spec.max, spec.flag).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });
});

describe('key grace and token lifetime', () => {
  it('refuses a key grace shorter than the token lifetime plus the clock skew (10m vs 1h broke valid tokens at rotation + 10m)', () => {
    expect(() => parseSimArgs(['--key-grace', '10m'], {})).toThrow(
      new ConfigError(
        '--key-grace (10m) must be at least --token-lifetime (1h) plus --clock-skew (5s): a token signed just before a key rotation must verify until it expires, not break when the old key leaves the JWKS',
      ),
    );
    expect(() => parseSimArgs(['--token-lifetime', '2h'], {})).toThrow(/--key-grace \(1h10m\) must be at least --token-lifetime \(2h\)/);
  });

  it('accepts the defaults and a grace of exactly lifetime + skew', () => {
    expect(SIM_DEFAULTS.keyGraceMs).toBeGreaterThanOrEqual(SIM_DEFAULTS.tokenLifetimeMs + SIM_DEFAULTS.clockSkewMs);
    expect(parseSimArgs(['--token-lifetime', '10m', '--clock-skew', '5s', '--key-grace', '10m5s'], {}).config.keyGraceMs).toBe(605_000);
  });
});

describe('--jwks-url', () => {
  it('defaults to the embedded fault agent and reads an http:// URL', () => {
    expect(SIM_DEFAULTS.jwksUrl).toBeNull();
    expect(parseSimArgs(['--jwks-url', 'http://10.0.0.1:18443/jwks'], {}).config.jwksUrl).toBe('http://10.0.0.1:18443/jwks');
  });

  it.each(['ftp://x/jwks', 'https://x/jwks', 'not a url'])('refuses %s naming the flag', (raw) => {
    expect(() => parseSimArgs(['--jwks-url', raw], {})).toThrow(/invalid value for --jwks-url: expected a URL http:\/\/host:port/);
  });
});
