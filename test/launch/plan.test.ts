import { describe, expect, it } from 'vitest';
import { DEFAULT_START_OPTIONS } from '../../launch/options';
import { bundleEnv, bundleFor, jwksTiming, recoveryTime, simArgs, simEnv } from '../../launch/plan';
import { parseGoDuration } from '../../contracts/duration';

const urls = { api: 'http://127.0.0.1:1', authority: 'http://127.0.0.1:2', authorityViaAgent: 'http://127.0.0.1:3', agentControl: 'http://127.0.0.1:4' };
const secrets = { adminToken: 'admin-xyz', clientSecret: 'secret-xyz' };

describe('jwksTiming', () => {
  it.each<[string, 'fallback' | 'expiry', string, (ttl: number, outage: number) => boolean]>([
    ['fallback keeps the cache TTL longer than the outage', 'fallback', '30s', (ttl, outage) => ttl > outage],
    ['fallback holds for a long outage too', 'fallback', '5m', (ttl, outage) => ttl > outage],
    ['expiry lets the keys expire inside the outage', 'expiry', '30s', (ttl, outage) => ttl < outage],
    ['expiry holds for a short outage too', 'expiry', '6s', (ttl, outage) => ttl < outage],
  ])('%s', (_name, chaos, chaosDuration, holds) => {
    const t = jwksTiming({ chaos, chaosDuration });
    expect(holds(parseGoDuration(t.ttl) as number, parseGoDuration(chaosDuration) as number)).toBe(true);
    // The refresh interval must be far below the outage so the outage is noticed at once.
    expect(parseGoDuration(t.refresh)).toBeLessThan(parseGoDuration(chaosDuration) as number);
  });
});

describe('recoveryTime', () => {
  it.each([
    ['a third of what is left after the outage', '30s', '10s', '10s', '3s'],
    ['at least 2 s', '20s', '5s', '10s', '2s'],
    ['at most the bundle default of 30 s', '10m', '1m', '1m', '30s'],
  ])('is %s', (_name, duration, chaosStart, chaosDuration, expected) => {
    expect(recoveryTime({ duration, chaosStart, chaosDuration })).toBe(expected);
  });

  it('is passed to the bundle in expiry mode only', () => {
    const files = { summaryJson: 's', junitXml: 'j' };
    expect(bundleEnv({ ...DEFAULT_START_OPTIONS, chaos: 'expiry' }, urls, secrets, files).SLO_RECOVERY_TIME).toBe('13s');
    expect(bundleEnv(DEFAULT_START_OPTIONS, urls, secrets, files).SLO_RECOVERY_TIME).toBeUndefined();
  });
});

describe('the run plan', () => {
  it('starts the platform on loopback with free ports and no secret on the command line', () => {
    const args = simArgs(DEFAULT_START_OPTIONS, '/tmp/audit.log');
    expect(args.slice(0, 2)).toEqual(['--host', '127.0.0.1']);
    for (const flag of ['--api-port', '--authority-port', '--agent-port', '--agent-control-port']) {
      expect(args[args.indexOf(flag) + 1]).toBe('0');
    }
    expect(args.join(' ')).not.toMatch(/admin-xyz|secret-xyz/);
    expect(simEnv(secrets)).toEqual({ SIM_ADMIN_TOKEN: 'admin-xyz', SIM_CLIENT_SECRET: 'secret-xyz' });
  });

  it('limits every tenant to half the noisy flood, with a one-second burst, only in a noisy run', () => {
    const noisy = { ...DEFAULT_START_OPTIONS, noisy: { tenant: 'tenant-05', rate: 2000, start: undefined, duration: undefined } };
    const args = simArgs(noisy, '/tmp/audit.log');
    expect(args.slice(args.indexOf('--rate-limit'), args.indexOf('--rate-limit') + 4)).toEqual(['--rate-limit', '1000', '--rate-burst', '1000']);
    expect(simArgs(DEFAULT_START_OPTIONS, '/tmp/audit.log')).not.toContain('--rate-limit');
    expect(bundleEnv(noisy, urls, secrets, { summaryJson: 's', junitXml: 'j' })).toMatchObject({ NOISY_TENANT: 'tenant-05', NOISY_RATE: '2000' });
    expect(bundleEnv(noisy, urls, secrets, { summaryJson: 's', junitXml: 'j' }).NOISY_START).toBeUndefined();
  });

  it('passes --degrade to the platform and the tenant weights to the bundle', () => {
    const o = { ...DEFAULT_START_OPTIONS, degrade: ['tenant-03:latency=400ms'], tenantWeights: 'tenant-03=0.3' };
    expect(simArgs(o, '/tmp/a.log').slice(-2)).toEqual(['--degrade', 'tenant-03:latency=400ms']);
    expect(bundleEnv(o, urls, secrets, { summaryJson: 's', junitXml: 'j' }).TENANT_WEIGHTS).toBe('tenant-03=0.3');
  });

  it('points the bundle at the Authority through the fault agent, so the outage reaches token refreshes too', () => {
    const env = bundleEnv(DEFAULT_START_OPTIONS, urls, secrets, { summaryJson: 's.json', junitXml: 'j.xml' });
    expect(env).toMatchObject({
      BASE_URL: urls.api,
      AUTH_URL: urls.authorityViaAgent,
      FAULT_AGENT_URL: urls.agentControl,
      RATE: '5000',
      CHAOS: 'on',
      CHAOS_EXPECT: 'fallback',
      SUMMARY_JSON: 's.json',
      JUNIT_XML: 'j.xml',
    });
  });

  it.each<['off' | 'fallback' | 'expiry', string, string]>([
    ['off', 'off', 'fallback'],
    ['fallback', 'on', 'fallback'],
    ['expiry', 'on', 'expiry'],
  ])('maps --chaos %s to CHAOS=%s and CHAOS_EXPECT=%s', (chaos, on, expect_) => {
    const env = bundleEnv({ ...DEFAULT_START_OPTIONS, chaos }, urls, secrets, { summaryJson: 's', junitXml: 'j' });
    expect([env.CHAOS, env.CHAOS_EXPECT]).toEqual([on, expect_]);
  });

  it('runs the Kubernetes bundle offline (disruptor mapped to the agent) and the agent bundle on stock k6', () => {
    expect(bundleFor('offline')).toBe('dist/tenant-load.js');
    expect(bundleFor('k6')).toBe('dist/tenant-load-agent.js');
  });
});

describe('outage shapes (--chaos-fault)', () => {
  it.each([
    ['error', 'offline', 'dist/tenant-load.js'],
    ['delay', 'offline', 'dist/tenant-load.js'],
    ['flaky', 'offline', 'dist/tenant-load.js'],
    ['blackhole', 'offline', 'dist/tenant-load-agent.js'],
    ['reset', 'offline', 'dist/tenant-load-agent.js'],
    ['blackhole', 'k6', 'dist/tenant-load-agent.js'],
  ] as const)('%s on %s runs %s (xk6-disruptor cannot black-hole or reset)', (shape, engine, bundle) => {
    expect(bundleFor(engine, shape)).toBe(bundle);
  });

  it('passes CHAOS_FAULT to the bundle, and nothing for the default error shape', () => {
    expect(bundleEnv({ ...DEFAULT_START_OPTIONS, chaosFault: 'blackhole' }, urls, secrets, { summaryJson: 's', junitXml: 'j' }).CHAOS_FAULT).toBe('blackhole');
    expect(bundleEnv(DEFAULT_START_OPTIONS, urls, secrets, { summaryJson: 's', junitXml: 'j' }).CHAOS_FAULT).toBeUndefined();
  });
});

describe('--chaos-rotate', () => {
  it('passes CHAOS_ROTATE=on and the run\'s admin token to the bundle, only with an outage', () => {
    const env = bundleEnv({ ...DEFAULT_START_OPTIONS, chaosRotate: true }, urls, secrets, { summaryJson: 's', junitXml: 'j' });
    expect([env.CHAOS_ROTATE, env.CHAOS_ROTATE_TOKEN]).toEqual(['on', 'admin-xyz']);
    expect(bundleEnv({ ...DEFAULT_START_OPTIONS, chaosRotate: true, chaos: 'off' }, urls, secrets, { summaryJson: 's', junitXml: 'j' }).CHAOS_ROTATE).toBeUndefined();
    expect(bundleEnv(DEFAULT_START_OPTIONS, urls, secrets, { summaryJson: 's', junitXml: 'j' }).CHAOS_ROTATE).toBeUndefined();
  });
});
