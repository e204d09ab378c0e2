/** Log lines: k6's format, rate-limited iteration errors, secrets never printed. */
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../../runner/progress/logger';
import { clockTime, renderProgress } from '../../../runner/progress/progress';

describe('logger', () => {
  it('prints k6-style lines with the seconds since start', () => {
    const lines: string[] = [];
    let now = 1000;
    const log = createLogger({ write: (l) => lines.push(l), startMs: 0, now: () => now });
    log.log('info', 'hello', { source: 'console' });
    now = 12_500;
    log.log('warn', 'careful');
    expect(lines).toEqual(['INFO[0001] hello  source=console\n', 'WARN[0012] careful\n']);
  });

  it('rate-limits iteration errors to N per second and reports how many were suppressed', () => {
    const lines: string[] = [];
    let now = 0;
    const log = createLogger({ write: (l) => lines.push(l), startMs: 0, now: () => now, perSecond: 2 });
    for (let i = 0; i < 10; i++) log.iterationError(`boom ${i}`);
    now = 1500;
    log.iterationError('later');
    expect(lines.filter((l) => l.startsWith('ERRO'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('8 more iteration errors were not logged'))).toBe(true);
  });

  it.each([
    ['Authorization: Bearer abc.def.ghi', 'abc.def.ghi'],
    ['{"authorization":"Bearer s3cr3t"}', 's3cr3t'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln in the body', 'eyJhbGciOiJSUzI1NiJ9'],
    ['sent bearer tok_123456', 'tok_123456'],
  ])('redacts credentials from %j', (line, secret) => {
    expect(redact(line)).not.toContain(secret);
  });
});

describe('progress', () => {
  it.each([
    [0, '0m00.0s'],
    [5_040, '0m05.0s'],
    [61_500, '1m01.5s'],
    [600_000, '10m00.0s'],
  ])('formats %d ms as %s', (ms, text) => expect(clockTime(ms)).toBe(text));

  it('renders a header and one bar per scenario', () => {
    const lines = renderProgress(
      {
        elapsedMs: 5000,
        vusActive: 3,
        vusMax: 10,
        completed: 42,
        interrupted: 1,
        scenarios: [
          { name: 'load', fraction: 0.5, detail: '03/10 VUs', done: false, elapsedMs: 5000, plannedMs: 40_000 },
          { name: 'chaos', fraction: 1, detail: '1/1 shared iters', done: true, elapsedMs: 5000, plannedMs: 5000 },
        ],
      },
      10,
    );
    expect(lines[0]).toBe('running (0m05.0s), 03/10 VUs, 42 complete and 1 interrupted iterations');
    expect(lines[1]).toBe('load    [====>-----]  50% 03/10 VUs  0m05.0s/0m40.0s');
    expect(lines[2]).toBe('chaos   [==========] ✓ 1/1 shared iters  0m05.0s/0m05.0s');
  });
});
