/** CHAOS_ROTATE: the key rotation mid-outage and the new-kid probe (lib/key-rotation.ts), with fake k6 and fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config';
import { pathOf, probePath, rotateAndProbe, rotationExclude } from '../../lib/key-rotation';
import { fakeK6 } from '../fakes/k6/recorder';

const noFiles = (): string => '';
const COMPRESSED = { RATE: '1000', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s', TENANTS: '12', CHAOS_ROTATE: 'on' };

beforeEach(() => {
  fakeK6.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('CHAOS_ROTATE configuration', () => {
  it('is off by default and on with CHAOS_ROTATE=on, rotating through the Authority by default', () => {
    expect(loadConfig({}, 'load', noFiles).chaos.rotate).toBeUndefined();
    expect(loadConfig(COMPRESSED, 'load', noFiles).chaos.rotate).toEqual({ url: 'http://127.0.0.1:8441/admin/keys/rotate', token: 'local-admin-token' });
  });

  it('leaves the token and rotation endpoints out of the outage, so new-kid tokens exist', () => {
    const cfg = loadConfig(COMPRESSED, 'load', noFiles);
    expect(rotationExclude(cfg)).toBe('/connect/token,/admin/keys/rotate');
    expect(rotationExclude(loadConfig({}, 'load', noFiles))).toBeUndefined();
    expect(pathOf('https://idp.example:8443/admin/keys/rotate?x=1')).toBe('/admin/keys/rotate');
  });

  it('probes the first catalog read without placeholders', () => {
    expect(probePath(loadConfig({}, 'load', noFiles))).toBe('/api/policy/policies?limit=20');
  });
});

describe('rotateAndProbe', () => {
  it('rotates, counts the new-kid 401s during the outage on their own, and the first pass after it', async () => {
    const cfg = loadConfig(COMPRESSED, 'load', noFiles);
    const start = Date.now();
    const outageEnd = start + 2000;
    fakeK6.handler = (req) => {
      if (req.url.endsWith('/admin/keys/rotate')) return { status: 200, body: '{"kid":"new","previousKid":"old"}' };
      if (req.url.endsWith('/connect/token')) return { status: 200, body: '{"access_token":"new-kid-token","token_type":"Bearer","expires_in":3600}' };
      // The platform: 401 while its JWKS is unreachable, then one refetch (the first probe after
      // the outage still fails), then 200.
      return { status: Date.now() < outageEnd + 100 ? 401 : 200, body: '{}' };
    };
    const done = rotateAndProbe(cfg, outageEnd, outageEnd + 10_000);
    await vi.advanceTimersByTimeAsync(5000);
    await done;
    expect(fakeK6.count('chaos_key_rotations')).toBe(1);
    expect(fakeK6.count('chaos_new_kid_rejected', { phase: 'chaos' })).toBe(8);
    expect(fakeK6.count('chaos_new_kid_rejected', { phase: 'recovery' })).toBe(1);
    expect(fakeK6.count('chaos_new_kid_accepted')).toBe(1);
    const rotate = fakeK6.requests.find((r) => r.url.endsWith('/admin/keys/rotate'));
    expect(rotate?.params.headers?.Authorization).toBe('Bearer local-admin-token');
    const probe = fakeK6.requests.filter((r) => r.url.includes('/api/'));
    expect(probe.every((r) => r.params.tags?.traffic === 'probe' && r.params.headers?.Authorization === 'Bearer new-kid-token')).toBe(true);
  });

  it('counts no acceptance when the new-kid token never passes', async () => {
    const cfg = loadConfig(COMPRESSED, 'load', noFiles);
    const outageEnd = Date.now() + 1000;
    fakeK6.handler = (req) => (req.url.endsWith('/connect/token') ? { status: 200, body: '{"access_token":"t","expires_in":60}' } : req.url.endsWith('/rotate') ? { status: 200, body: '{}' } : { status: 401, body: '{}' });
    const done = rotateAndProbe(cfg, outageEnd, outageEnd + 2000);
    await vi.advanceTimersByTimeAsync(4000);
    await done;
    expect(fakeK6.count('chaos_new_kid_accepted')).toBe(0);
    expect(fakeK6.count('chaos_new_kid_rejected')).toBeGreaterThan(0);
  });

  it('records nothing when the Authority refuses to rotate', async () => {
    const cfg = loadConfig(COMPRESSED, 'load', noFiles);
    fakeK6.handler = () => ({ status: 401, body: '{}' });
    await rotateAndProbe(cfg, Date.now() + 1000, Date.now() + 2000);
    expect(fakeK6.count('chaos_key_rotations')).toBe(0);
    expect(fakeK6.requests).toHaveLength(1);
  });
});
