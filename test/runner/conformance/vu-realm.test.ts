/**
 * K6_OFFLINE_VU_REALM (runner/DIFFERENCES.md "K6_OFFLINE_VU_REALM"): `isolated` (default, as in
 * k6) gives every VU a realm of its own; `shared` gives all VUs one realm and a module instance
 * each. Scripts run through the real CLI in both modes: what must not differ (module state,
 * `__VU`, `__ENV`, timers, setup data), what does (writes to `globalThis`), and what shared mode
 * refuses (`__ITER`, `randomSeed`) or rejects as a bad value.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../runner/constants';
import { buildCli, runCli, type CliResult } from './run-cli';

type Realm = 'isolated' | 'shared';

const REALMS: Realm[] = ['isolated', 'shared'];

beforeAll(() => buildCli('vu-realm'), 60_000);

function realmEnv(realm: Realm | undefined): Record<string, string> {
  return realm === undefined ? {} : { K6_OFFLINE_VU_REALM: realm };
}

function context(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(0, 2000)}`;
}

function metric(r: CliResult, name: string): Record<string, unknown> {
  const m = r.exported?.metrics[name];
  expect(m, `${name} missing\n${context(r)}`).toBeDefined();
  return m as Record<string, unknown>;
}

function expectAllChecksPass(r: CliResult): void {
  const checks = metric(r, 'checks');
  expect(checks.fails, `${JSON.stringify(r.exported?.root_group.checks)}\n${context(r)}`).toBe(0);
  expect(checks.passes as number).toBeGreaterThan(0);
}

describe('what a VU owns is its own in either realm mode', () => {
  it.each(REALMS)('%s: 2 scenarios × 3 VUs × 5 iterations each count 1..5 in a module variable; __VU, __ENV, the scenario env and -e are per VU', async (realm) => {
    const r = await runCli('vu-realm-module-state.js', ['-e', 'FROM_FLAG=flag'], realmEnv(realm));
    expect(r.code, context(r)).toBe(0);
    expectAllChecksPass(r);
    expect(metric(r, 'checks').passes).toBe(30 * 5);
    expect(metric(r, 'module_count_seen')).toMatchObject({ min: 1, max: 5, avg: 3 });
    expect(metric(r, 'iterations').count).toBe(30);
  });

  it.each(REALMS)('%s: global setTimeout, k6/timers setTimeout and setInterval keep an async iteration alive until they are done', async (realm) => {
    const r = await runCli('vu-realm-timers.js', [], realmEnv(realm));
    expect(r.code, context(r)).toBe(0);
    expectAllChecksPass(r);
    expect(metric(r, 'timer_callbacks').count).toBe(24);
  });

  it.each(REALMS)('%s: setup data is a copy per VU, so one VU’s mutations are seen by no other VU nor by teardown', async (realm) => {
    const r = await runCli('vu-realm-setup-data.js', [], realmEnv(realm));
    expect(r.code, context(r)).toBe(0);
    expectAllChecksPass(r);
    expect(r.exported!.root_group.checks['only this VU wrote to its copy']).toMatchObject({ passes: 9, fails: 0 });
    const teardown = r.exported!.root_group.groups.teardown as { checks: Record<string, unknown> } | undefined;
    expect(teardown?.checks['teardown gets the data as setup returned it'], context(r)).toMatchObject({ passes: 1, fails: 0 });
  });
});

describe('crypto.subtle in a VU', () => {
  it.each(REALMS)('%s: takes the VU’s own ArrayBuffers for HKDF (left to Node), HMAC, AES-GCM and digest', async (realm) => {
    const r = await runCli('vu-realm-webcrypto.js', [], realmEnv(realm));
    expect(r.code, context(r)).toBe(0);
    expectAllChecksPass(r);
    expect(metric(r, 'checks').passes).toBe(2 * 6);
  });
});

describe('the global object is what shared mode shares', () => {
  it('isolated (the default): a VU sees only its own init write to globalThis, as in k6', async () => {
    const r = await runCli('vu-realm-global-writes.js', [], realmEnv(undefined));
    expect(r.code, context(r)).toBe(0);
    expect(metric(r, 'init_writes_seen')).toMatchObject({ min: 1, max: 1 });
  });

  it('isolated set explicitly behaves as the default', async () => {
    const r = await runCli('vu-realm-global-writes.js', [], realmEnv('isolated'));
    expect(r.code, context(r)).toBe(0);
    expect(metric(r, 'init_writes_seen')).toMatchObject({ min: 1, max: 1 });
  });

  it('shared: every VU of a worker thread sees the init writes of all 3 VUs (one thread here)', async () => {
    const r = await runCli('vu-realm-global-writes.js', [], { ...realmEnv('shared'), K6_OFFLINE_WORKERS: '1' });
    expect(r.code, context(r)).toBe(0);
    const seen = metric(r, 'init_writes_seen');
    expect(seen.min, context(r)).toBe(seen.max);
    expect(seen.min as number).toBeGreaterThanOrEqual(3);
  });
});

describe('shared mode refuses what needs a realm per VU', () => {
  it.each([
    ['a script reading __ITER', 'vu-realm-iter.js', ['vu-realm-iter.js uses __ITER']],
    ['a script calling randomSeed', 'vu-realm-random-seed.js', ['vu-realm-random-seed.js uses randomSeed']],
    ['a module imported by the script reading __ITER', 'vu-realm-iter-in-import.js', ['iteration-label.js uses __ITER']],
  ])('%s exits 107 naming the identifier and K6_OFFLINE_VU_REALM', async (_what, script, messages) => {
    const r = await runCli(script, [], realmEnv('shared'));
    expect(r.code, context(r)).toBe(EXIT_CODES.SCRIPT_EXCEPTION);
    expect(r.code).toBe(107);
    for (const m of [...messages, 'K6_OFFLINE_VU_REALM=shared', 'needs a realm per VU']) expect(r.stderr, context(r)).toContain(m);
  });

  it.each(['vu-realm-iter.js', 'vu-realm-random-seed.js', 'vu-realm-iter-in-import.js'])('%s runs in the default isolated mode', async (script) => {
    const r = await runCli(script, [], realmEnv(undefined));
    expect(r.code, context(r)).toBe(0);
    expect(r.stderr, context(r)).not.toContain('K6_OFFLINE_VU_REALM');
  });
});

describe('a bad K6_OFFLINE_VU_REALM is an invalid configuration', () => {
  it.each(['Shared', 'per-vu', 'true', ' shared'])('%j exits 104 naming the variable and the allowed values', async (value) => {
    const r = await runCli('per-vu-iterations.js', [], { K6_OFFLINE_VU_REALM: value });
    expect(r.code, context(r)).toBe(EXIT_CODES.INVALID_CONFIG);
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(`K6_OFFLINE_VU_REALM: must be one of isolated, shared (got '${value}')`);
    expect(r.exported).toBeUndefined();
  });

  it('an empty value means the default', async () => {
    const r = await runCli('vu-realm-global-writes.js', [], { K6_OFFLINE_VU_REALM: '' });
    expect(r.code, context(r)).toBe(0);
    expect(metric(r, 'init_writes_seen')).toMatchObject({ min: 1, max: 1 });
  });

  it('-e K6_OFFLINE_VU_REALM=shared sets __ENV only, not the realm mode (the runner reads its own environment)', async () => {
    const r = await runCli('vu-realm-global-writes.js', ['-e', 'K6_OFFLINE_VU_REALM=shared'], {});
    expect(r.code, context(r)).toBe(0);
    expect(metric(r, 'init_writes_seen')).toMatchObject({ min: 1, max: 1 });
  });
});
