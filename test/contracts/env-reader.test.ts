/** contracts/env-reader.ts: typed reads of environment variables, every problem named. */
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../contracts/env-reader';

describe('EnvReader', () => {
  it('truncates long values in messages', () => {
    const r = new EnvReader({ RATE: 'x'.repeat(100) });
    r.integer('RATE', 1, 1);
    expect(r.problems[0]?.message).toMatch(/got 'x{57}\.\.\.'\)$/);
  });

  it('strips trailing slashes from URLs', () => {
    expect(new EnvReader({ U: 'https://api.example.com/base/' }).url('U', 'x')).toBe('https://api.example.com/base');
  });

  it.each([['http://h:1/a?b=1'], ['ftp://h'], ['http://']])('rejects the URL %s', (v) => {
    const r = new EnvReader({ U: v });
    r.url('U', 'x');
    expect(r.problems).toHaveLength(1);
  });
});
