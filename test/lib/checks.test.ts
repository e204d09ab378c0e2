/** lib/checks.ts: response shape checks, fail-closed detection and check names. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import { hasShape, isFailClosed, shapeCheckName, statusCheckName } from '../../lib/checks';

describe('checks', () => {
  it.each<['list' | 'object', unknown, boolean]>([
    ['list', { items: [], nextCursor: null }, true],
    ['list', { items: [{ id: 'a' }], nextCursor: 'c2' }, true],
    ['list', { items: {} }, false],
    ['list', [1, 2], false],
    ['object', { id: 'p1', name: 'x' }, true],
    ['object', { id: '' }, false],
    ['object', { error: 'invalid_token' }, false],
    ['object', undefined, false],
  ])('the %s shape check on %j is %s', (shape, doc, ok) => {
    expect(hasShape(shape, doc)).toBe(ok);
  });

  it.each<[number, unknown, boolean]>([
    [401, { error: 'invalid_token', reason: 'jwks_unavailable' }, true],
    [401, { error: 'invalid_token', reason: 'expired' }, true],
    [401, { error: 'unauthorized' }, false],
    [403, { error: 'invalid_token' }, false],
    [503, undefined, false],
  ])('a %i with %j is fail-closed: %s', (status, doc, yes) => {
    expect(isFailClosed(status, doc)).toBe(yes);
  });

  it('names checks after the operation, without k6-forbidden "::"', () => {
    const names = DEFAULT_CATALOG.operations.flatMap((o) => [statusCheckName(o), shapeCheckName(o)]);
    expect(names).toContain('policy.put: status 200 or 201');
    expect(names).toContain('vuln.get: body is an object with an id');
    expect(names.some((n) => n.includes('::'))).toBe(false);
    expect(new Set(names).size).toBe(names.length);
  });
});
