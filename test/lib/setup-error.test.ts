/** lib/setup-error.ts: setup refusals, redacted. */
import { describe, expect, it } from 'vitest';
import { SetupConfigError } from '../../lib/setup-error';

describe('SetupConfigError is redacted too', () => {
  it('does not echo the credentials of BASE_URL in a setup refusal', () => {
    expect(new SetupConfigError('setup: the API at https://u:p4ss@api.example refused').message).toBe('setup: the API at https://[redacted]@api.example refused');
  });
});
