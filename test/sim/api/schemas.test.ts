/**
 * Validation replies are bounded (issue 15, finding 3): a 65 KB invalid body produced a 3.9 MB
 * 400 listing every error. The reply lists at most MAX_LISTED_PROBLEMS problems, says how many were
 * left out, and stays under MAX_ERROR_REPLY_BYTES.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_FIELDS, MAX_BODY_ITEMS, MAX_ERROR_REPLY_BYTES, MAX_LISTED_PROBLEMS, validatePolicyInput } from '../../../sim/api/schemas';
import { InvalidBodyError } from '../../../sim/errors';
import { call, getToken, startTestSim } from '../helpers/sim-fixture';

const manyBadRules = (n: number) => ({ name: 'x', rules: Array.from({ length: n }, (_, i) => ({ effect: 'nope', condition: '', [`junk${i}`]: 1 })) });
const manyUnknownFields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`field-${'x'.repeat(40)}-${i}`, i]));

describe('bounded validation replies', () => {
  it.each([
    ['50 invalid rules (150 problems)', manyBadRules(MAX_BODY_ITEMS)],
    ['16 unknown fields with long names and 34 bad rules', { ...manyUnknownFields(MAX_BODY_FIELDS - 2), ...manyBadRules(34) }],
  ])('lists at most MAX_LISTED_PROBLEMS problems for %s and counts the rest', (_name, body) => {
    let caught: unknown;
    try {
      validatePolicyInput(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidBodyError);
    const e = caught as InvalidBodyError;
    const details = e.fields.details as unknown[];
    expect(details.length).toBe(MAX_LISTED_PROBLEMS);
    expect(e.fields.omitted).toBeGreaterThan(0);
    expect(e.message.length).toBeLessThan(4096);
  });

  it.each([
    ['1,300 rules', manyBadRules(1300), '/rules', /at most 50 items \(got 1300\)/],
    ['1,000 fields', manyUnknownFields(1000), '/', /at most 16 fields \(got 1000\)/],
  ])('refuses a body with %s on its size alone, before validating every item', (_name, body, path, message) => {
    let caught: unknown;
    try {
      validatePolicyInput(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidBodyError);
    expect((caught as InvalidBodyError).fields.details).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('answers a 60 KB invalid body with a 400 under MAX_ERROR_REPLY_BYTES', async () => {
    const sim = await startTestSim({ tenants: 2 });
    try {
      const token = await getToken(sim, 'tenant-01');
      const body = JSON.stringify(manyBadRules(1300));
      expect(body.length).toBeGreaterThan(50_000);
      expect(body.length).toBeLessThan(65_536);
      const res = await fetch(`${sim.api}/api/policy/policies/pol-x`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'x-stellaops-tenant': 'tenant-01', 'content-type': 'application/json' }, body });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ERROR_REPLY_BYTES);
      expect(JSON.parse(text)).toMatchObject({ error: 'invalid_body' });
      expect((await call(sim, 'GET', '/api/policy/policies/pol-001', { token, tenant: 'tenant-01' })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('lists every problem of a body with only a few', () => {
    expect(() => validatePolicyInput({ name: '', rules: [] })).toThrow(InvalidBodyError);
    try {
      validatePolicyInput({ name: '', rules: [] });
    } catch (err) {
      expect((err as InvalidBodyError).fields.details).toHaveLength(2);
      expect((err as InvalidBodyError).fields.omitted).toBeUndefined();
    }
  });
});
