/** sim/api/middleware/tenant-header.ts: the tenant header, read and checked. */
import { type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { resolveTenantHeader } from '../../../../sim/api/middleware/tenant-header';
import { InvalidTenantHeaderError } from '../../../../sim/errors';

const reqWith = (headers: Record<string, string | string[]>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('resolveTenantHeader', () => {
  it.each([
    ['tenant-01', 'tenant-01'],
    ['a', 'a'],
    ['0abc-def', '0abc-def'],
  ])('accepts %s', (value, expected) => {
    expect(resolveTenantHeader(reqWith({ 'x-stellaops-tenant': value }))).toBe(expected);
  });
  it.each([['-lead'], ['UPPER'], ['sp ace'], ['a'.repeat(64)], ['ünïcode'], ['']])('rejects %j with invalid_tenant_header', (value) => {
    expect(() => resolveTenantHeader(reqWith({ 'x-stellaops-tenant': value }))).toThrow(InvalidTenantHeaderError);
  });
  it('rejects a repeated header', () => {
    expect(() => resolveTenantHeader(reqWith({ 'x-stellaops-tenant': ['a', 'b'] }))).toThrow(/must appear once/);
  });
});
