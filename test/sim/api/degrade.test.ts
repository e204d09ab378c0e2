/** tenant-sim --degrade: one tenant's API answers slowed or failed, everyone else untouched. */
import { describe, expect, it } from 'vitest';
import { Degrader, parseDegrade } from '../../../sim/api/degrade';
import { ConfigError, parseSimArgs, usage } from '../../../sim/config';
import { FakeClock } from '../helpers/fake-clock';
import { call, getToken, metricValue, startTestSim } from '../helpers/sim-fixture';

describe('--degrade values', () => {
  it.each([
    ['tenant-03:latency=400ms', { tenant: 'tenant-03', latencyMs: 400, errorRate: 0 }],
    ['tenant-03:latency=400ms,errors=0.05', { tenant: 'tenant-03', latencyMs: 400, errorRate: 0.05 }],
    ['tenant-03:errors=1', { tenant: 'tenant-03', latencyMs: 0, errorRate: 1 }],
    ['tenant-10:latency=30s', { tenant: 'tenant-10', latencyMs: 30_000, errorRate: 0 }],
  ])('parses %s', (raw, spec) => {
    expect(parseDegrade(raw)).toEqual(spec);
  });

  it.each([
    ['tenant-03', 'expected TENANT:latency=DURATION[,errors=RATE]'],
    ['Tenant:latency=1s', "'Tenant' is not a tenant id"],
    ['tenant-03:latency=400', "latency must be a Go duration from 1ms to 30s such as 400ms (got '400')"],
    ['tenant-03:latency=31s', "latency must be a Go duration from 1ms to 30s such as 400ms (got '31s')"],
    ['tenant-03:errors=0', "errors must be a share above 0 and at most 1 such as 0.05 (got '0')"],
    ['tenant-03:errors=1.5', "errors must be a share above 0 and at most 1 such as 0.05 (got '1.5')"],
    ['tenant-03:slow=1s', "unknown key 'slow': allowed keys are latency and errors"],
    ['tenant-03:latency=1s,latency=2s', "'latency' given twice"],
  ])('rejects %s, naming the flag and the allowed form', (raw, message) => {
    expect(() => parseSimArgs(['--degrade', raw], {})).toThrow(ConfigError);
    expect(() => parseSimArgs(['--degrade', raw], {})).toThrow(`invalid value '${raw}' for --degrade: ${message}`);
  });

  it('is repeatable, and flags replace the SIM_DEGRADE entries', () => {
    const env = { SIM_DEGRADE: 'tenant-01:latency=1s; tenant-02:errors=0.5' };
    expect(parseSimArgs([], env).config.degrade.map((d) => d.tenant)).toEqual(['tenant-01', 'tenant-02']);
    const { config } = parseSimArgs(['--degrade', 'tenant-03:latency=400ms', '--degrade=tenant-04:errors=0.1'], env);
    expect(config.degrade).toEqual([
      { tenant: 'tenant-03', latencyMs: 400, errorRate: 0 },
      { tenant: 'tenant-04', latencyMs: 0, errorRate: 0.1 },
    ]);
  });

  it.each([
    [['--tenants', '12', '--degrade', 'tenant-30:latency=1s'], "--degrade: 'tenant-30' is not a tenant of this platform (--tenants 12: tenant-01, tenant-02 …)"],
    [['--degrade', 'tenant-03:latency=1s', '--degrade', 'tenant-03:errors=0.1'], "--degrade: 'tenant-03' given twice; give one entry per tenant, e.g. tenant-03:latency=400ms,errors=0.05"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimArgs(argv, {})).toThrow(new ConfigError(message));
  });

  it('is documented in --help', () => {
    expect(usage()).toMatch(/--degrade\s+slow or fail one tenant's API answers: TENANT:latency=400ms\[,errors=0.05\]; repeatable .*\(default none; env SIM_DEGRADE\)/);
  });
});

describe('Degrader', () => {
  it.each([
    [0.05, 400, 20],
    [0.25, 400, 100],
    [1, 7, 7],
    [1 / 3, 300, 100],
  ])('fails exactly a share of %d: %i requests -> %i failures', (rate, requests, failures) => {
    const d = new Degrader([{ tenant: 't', latencyMs: 0, errorRate: rate }]);
    let failed = 0;
    for (let i = 0; i < requests; i++) if (d.decide('t')?.fail) failed++;
    expect(failed).toBe(failures);
  });

  it('leaves other tenants alone', () => {
    expect(new Degrader([{ tenant: 't', latencyMs: 400, errorRate: 1 }]).decide('u')).toBeUndefined();
  });
});

describe('a degraded platform', () => {
  it('delays and fails only the degraded tenant, after authentication and the rate limit', async () => {
    const clock = new FakeClock();
    const sim = await startTestSim({ clock, degrade: [{ tenant: 'tenant-03', latencyMs: 400, errorRate: 0.5 }] });
    try {
      const slow = await getToken(sim, 'tenant-03');
      const fast = await getToken(sim, 'tenant-04');
      expect((await call(sim, 'GET', '/api/vuln/findings', { token: fast, tenant: 'tenant-04' })).status).toBe(200);
      // No answer before the added latency has passed on the platform's clock.
      let settled = false;
      const pending = call(sim, 'GET', '/api/vuln/findings', { token: slow, tenant: 'tenant-03' }).then((a) => {
        settled = true;
        return a;
      });
      await new Promise((r) => setTimeout(r, 50));
      await clock.advance(399);
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      await clock.advance(1);
      const first = await pending;
      const second = call(sim, 'GET', '/api/vuln/findings', { token: slow, tenant: 'tenant-03' });
      await new Promise((r) => setTimeout(r, 50));
      await clock.advance(400);
      // errors=0.5: every second answer is 503 degraded
      expect([first.status, (await second).status]).toEqual([200, 503]);
      expect((await second).body).toMatchObject({ error: 'degraded' });
      // A request refused before the degrade step stays fast: no token, 401 at once.
      expect((await call(sim, 'GET', '/api/vuln/findings', { tenant: 'tenant-03' })).status).toBe(401);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: 'tenant-03', service: 'vuln', route: 'GET /api/vuln/findings', status: '503' })).toBe(1);
      // tenant-04: its one answer was a 200, and it has no 503 series at all
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: 'tenant-04', status: '200' })).toBe(1);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: 'tenant-04', status: '503' })).toBeNaN();
    } finally {
      await sim.close();
    }
  });
});
