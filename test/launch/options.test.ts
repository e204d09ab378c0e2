import { describe, expect, it } from 'vitest';
import { DEFAULT_START_OPTIONS, StartOptionsError, parseStartArgs } from '../../launch/options';

const parse = (args: string[]) => {
  const r = parseStartArgs(args);
  if (r.help) throw new Error('unexpected help');
  return r.options;
};

const problemsOf = (args: string[]): string[] => {
  try {
    parseStartArgs(args);
  } catch (err) {
    if (err instanceof StartOptionsError) return err.problems;
    throw err;
  }
  throw new Error('expected a StartOptionsError');
};

describe('parseStartArgs', () => {
  it('gives a 10 s ramp, then the full 5,000 RPS for 90 s with a 30 s outage 30 s in, by default', () => {
    expect(parse([])).toEqual(DEFAULT_START_OPTIONS);
    expect(DEFAULT_START_OPTIONS).toMatchObject({ rate: 5000, duration: '100s', rampUp: '10s', chaos: 'fallback', chaosStart: '30s', chaosDuration: '30s' });
  });

  it.each([
    ['a 40 s run', ['--duration', '40s', '--chaos', 'off'], '4s'],
    ['a 5 s run (whole seconds)', ['--duration', '5s', '--chaos', 'off'], '0s'],
    ['a 10 m run (at most 10 s)', ['--duration', '10m'], '10s'],
    ['an explicit --ramp-up', ['--duration', '10m', '--ramp-up', '1m', '--chaos-start', '2m'], '1m'],
  ])('ramps up for 10 percent of the run, at most 10 s, unless told otherwise: %s', (_name, argv, expected) => {
    expect(parse(argv).rampUp).toBe(expected);
  });

  it.each([
    ['the default 100 s run', [], '30s', '30s'],
    ['a 40 s run (the README\'s smaller run)', ['--rate', '600', '--duration', '40s'], '12s', '12s'],
    ['a 10 m run', ['--duration', '10m'], '180s', '180s'],
    ['a 5 s run (at least 1 s)', ['--duration', '5s'], '1s', '1s'],
    ['an explicit --chaos-start keeps the scaled length', ['--duration', '40s', '--chaos-start', '8s'], '8s', '12s'],
  ])('starts the outage at 30 percent of the run and holds it for 30 percent unless told otherwise: %s', (_name, argv, start, length) => {
    const o = parse(argv);
    expect([o.chaosStart, o.chaosDuration]).toEqual([start, length]);
  });

  it('reads every flag', () => {
    expect(
      parse(['--rate', '800', '--duration', '40s', '--ramp-up', '5s', '--tenants', '12', '--chaos', 'expiry', '--chaos-start', '10s', '--chaos-duration', '15s', '--chaos-fault', 'reset', '--chaos-rotate', '--read-ratio', '0.8', '--engine', 'offline', '--instances', '3', '--out', 'x', '--quiet']),
    ).toEqual({ rate: 800, duration: '40s', rampUp: '5s', tenants: 12, chaos: 'expiry', chaosStart: '10s', chaosDuration: '15s', chaosFault: 'reset', chaosRotate: true, readRatio: 0.8, engine: 'offline', instances: 3, outDir: 'x', quiet: true, tenantWeights: undefined, noisy: undefined, degrade: [] });
  });

  it('reads the noisy neighbour, tenant weights and repeated --degrade', () => {
    const o = parse(['--noisy-tenant', 'tenant-05', '--noisy-rate', '2000', '--noisy-start', '15s', '--tenant-weights', 'tenant-03=0.3', '--degrade', 'tenant-03:latency=400ms', '--degrade', 'tenant-04:errors=0.05']);
    expect(o.noisy).toEqual({ tenant: 'tenant-05', rate: 2000, start: '15s', duration: undefined });
    expect(o.tenantWeights).toBe('tenant-03=0.3');
    expect(o.degrade).toEqual(['tenant-03:latency=400ms', 'tenant-04:errors=0.05']);
  });

  it.each([
    ['http://127.0.0.1:9090', 'http://127.0.0.1:9090/api/v1/write'],
    ['http://127.0.0.1:9090/', 'http://127.0.0.1:9090/api/v1/write'],
    ['https://mimir.example/api/v1/push', 'https://mimir.example/api/v1/push'],
  ])('--prometheus %s pushes remote write to %s', (arg, url) => {
    expect(parse(['--prometheus', arg]).prometheus).toBe(url);
    expect(parse([]).prometheus).toBeUndefined();
  });

  it('leaves the runner instance count to auto unless told', () => {
    expect(parse([]).instances).toBe('auto');
    expect(parse(['--instances', 'auto']).instances).toBe('auto');
    expect(parse(['--instances', '1']).instances).toBe(1);
  });

  it('answers --help without validating anything else', () => {
    expect(parseStartArgs(['--help'])).toEqual({ help: true });
  });

  it.each<[string, string[], RegExp]>([
    ['a rate that is not a whole number', ['--rate', '5k'], /--rate: must be a whole number from 1 to 100000 \(got '5k'\)/],
    ['fewer than ten tenants', ['--tenants', '5'], /--tenants: must be a whole number from 10/],
    ['an unknown chaos mode', ['--chaos', 'maybe'], /--chaos: must be one of off, fallback, expiry \(got 'maybe'\)/],
    ['a duration without a unit', ['--duration', '90'], /--duration: must be a duration/],
    ['a read ratio above one', ['--read-ratio', '1.5'], /--read-ratio: must be a number from 0 to 1/],
    ['an unknown engine', ['--engine', 'docker'], /--engine: must be one of auto, offline, k6/],
    ['an outage that outlasts the run', ['--duration', '30s', '--chaos-start', '20s', '--chaos-duration', '15s'], /must end before --duration/],
    ['an expiry outage that leaves no time to measure recovery', ['--chaos', 'expiry', '--duration', '40s', '--chaos-start', '10s', '--chaos-duration', '25s'], /at least 6s before --duration/],
    ['a ramp-up as long as the run', ['--duration', '30s', '--ramp-up', '30s', '--chaos', 'off'], /--ramp-up: must be shorter than --duration \(30s\) so the run holds the full rate \(got '30s'\)/],
    ['an outage that starts during the ramp-up', ['--ramp-up', '40s'], /--chaos-start: must not be before the end of --ramp-up \(40s\): the outage is measured at the full rate \(got '30s'\)/],
    ['a ramp-up without a unit', ['--ramp-up', '10'], /--ramp-up: must be a duration from 0s to 24h/],
    ['a duration that overflows Node timers (issue 15, finding 5)', ['--duration', '600h'], /--duration: must be a duration from \d+s to 24h .*\(got '600h'\)/],
    ['a chaos duration past 24h', ['--chaos-duration', '25h'], /--chaos-duration: must be a duration from \d+s to 24h/],
    ['no runner instances', ['--instances', '0'], /--instances: must be auto or a whole number from 1 to 4 \(got '0'\)/],
    ['more runner instances than 4', ['--instances', '5'], /--instances: must be auto or a whole number from 1 to 4 \(got '5'\)/],
    ['an instance count that is not a number', ['--instances', 'two'], /--instances: must be auto or a whole number from 1 to 4/],
    ['an unknown flag', ['--rps', '10'], /Unknown option '--rps'/],
    ['a noisy tenant outside the pool', ['--noisy-tenant', 'tenant-30', '--noisy-rate', '2000'], /--noisy-tenant: must be one of the 20 tenants, tenant-01 … tenant-20 \(got 'tenant-30'\)/],
    ['a noisy tenant without a rate', ['--noisy-tenant', 'tenant-05'], /--noisy-rate: required with --noisy-tenant/],
    ['a noisy rate whose limit would throttle everyone', ['--rate', '5000', '--noisy-tenant', 'tenant-05', '--noisy-rate', '500'], /--noisy-rate: must be at least 1000 so the tenant's limit \(half of it\) is twice every other tenant's 250\/s share of --rate \(got 500\)/],
    ['a noisy rate without a noisy tenant', ['--noisy-rate', '2000'], /--noisy-rate: needs --noisy-tenant/],
    ['a malformed --degrade', ['--degrade', 'tenant-03:latency=400'], /--degrade: latency must be a Go duration from 1ms to 30s such as 400ms \(got '400'\)/],
    ['a --degrade of a tenant outside the pool', ['--degrade', 'tenant-40:latency=1s'], /--degrade: 'tenant-40' is not one of the 20 tenants/],
    ['malformed tenant weights', ['--tenant-weights', 'heavy'], /--tenant-weights: must be uniform, zipf:S or a list such as tenant-03=0.3,tenant-01=5 \(got 'heavy'\)/],
    ['a Prometheus URL that is not http(s)', ['--prometheus', 'localhost:9090'], /--prometheus: must be an http:\/\/ or https:\/\/ URL .*\(got 'localhost:9090'\)/],
  ])('rejects %s, naming the flag', (_name, args, message) => {
    expect(problemsOf(args).join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problemsOf(['--rate', 'x', '--chaos', 'y', '--tenants', '1'])).toHaveLength(3);
  });

  it('does not require the outage to fit when chaos is off', () => {
    expect(parse(['--chaos', 'off', '--duration', '10s']).chaos).toBe('off');
  });
});

describe('--chaos-fault', () => {
  it('defaults to error and reads each shape', () => {
    expect(parse([]).chaosFault).toBe('error');
    for (const shape of ['error', 'blackhole', 'delay', 'reset', 'flaky']) expect(parse(['--chaos-fault', shape]).chaosFault).toBe(shape);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown shape', ['--chaos-fault', 'drop'], /--chaos-fault: must be one of error, blackhole, delay, reset, flaky \(got 'drop'\)/],
    ['flaky under expiry', ['--chaos-fault', 'flaky', '--chaos', 'expiry'], /--chaos-fault: flaky cannot be judged with --chaos expiry/],
  ])('rejects %s', (_name, args, message) => {
    expect(problemsOf(args).join('\n')).toMatch(message);
  });
});
