/** The token endpoint's failure throttle under a fake clock (issue 15, finding 7). */
import { describe, expect, it } from 'vitest';
import { FAILURE_BURST, FAILURE_REFILL_MS, FailureThrottle, MAX_KEYS } from '../../../sim/authority/failure-throttle';
import { FakeClock } from '../helpers/fake-clock';

describe('FailureThrottle', () => {
  it('admits FAILURE_BURST failures, then refuses with Retry-After until one refill interval passes', async () => {
    const clock = new FakeClock();
    const t = new FailureThrottle(clock);
    for (let i = 0; i < FAILURE_BURST; i++) {
      expect(t.check('a')).toEqual({ ok: true });
      t.fail('a');
    }
    expect(t.check('a')).toEqual({ ok: false, retryAfterS: FAILURE_REFILL_MS / 1000 });
    await clock.advance(FAILURE_REFILL_MS - 1000);
    expect(t.check('a')).toEqual({ ok: false, retryAfterS: 1 });
    await clock.advance(1000);
    expect(t.check('a')).toEqual({ ok: true });
  });

  it('holds a sustained guesser to one attempt per refill interval', async () => {
    const clock = new FakeClock();
    const t = new FailureThrottle(clock);
    let attempts = 0;
    for (let s = 0; s < 60; s++) {
      for (let k = 0; k < 20; k++) {
        if (t.check('attacker').ok) {
          attempts++;
          t.fail('attacker');
        }
      }
      await clock.advance(1000);
    }
    // 1,200 guesses over a minute: the burst plus one per refill interval.
    expect(attempts).toBe(FAILURE_BURST + Math.floor(59_000 / FAILURE_REFILL_MS));
  });

  it('keeps keys apart: failures of one key never refuse another', () => {
    const t = new FailureThrottle(new FakeClock());
    for (let i = 0; i < 100; i++) t.fail('attacker');
    expect(t.check('attacker').ok).toBe(false);
    expect(t.check('legit').ok).toBe(true);
  });

  it('forgets a key whose bucket has refilled, and never holds more than MAX_KEYS keys', async () => {
    const clock = new FakeClock();
    const t = new FailureThrottle(clock);
    for (let i = 0; i < MAX_KEYS + 50; i++) t.fail(`k${i}`);
    expect(t.size).toBe(MAX_KEYS);
    await clock.advance(FAILURE_REFILL_MS);
    t.check('k100');
    expect(t.size).toBe(MAX_KEYS - 1);
  });
});
