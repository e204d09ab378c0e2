/** Helpers every transport shares: URLs in logs without credentials, the dead-letter entry. */
import { describe, expect, it } from 'vitest';
import { deadLetterBody, redactUrl } from '../../../sim/timeline/transport';

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret@cache.internal:6380/2', 'redis://cache.internal:6380'],
    ['rediss://user:s3cret@cache.internal', 'rediss://cache.internal'],
    ['nats://token@127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['not a url s3cret', '<unparseable url>'],
  ])('%s is logged as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('deadLetterBody', () => {
  it('keeps the reason, the time and the refused text', () => {
    expect(JSON.parse(deadLetterBody({ raw: '{"id":', handle: 1 }, 'envelope is not JSON', Date.parse('2026-06-01T12:00:00Z')))).toEqual({ reason: 'envelope is not JSON', receivedAt: '2026-06-01T12:00:00.000Z', raw: '{"id":' });
  });

  it('bounds the refused text at 16 KiB', () => {
    const body = JSON.parse(deadLetterBody({ raw: 'x'.repeat(100_000), handle: 1 }, 'too_large', 0)) as { raw: string };
    expect(body.raw.length).toBe(16_385);
    expect(body.raw.endsWith('…')).toBe(true);
  });
});
