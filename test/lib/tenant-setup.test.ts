/** lib/tenant-setup.ts: ids discovered from list responses in setup(). */
import { describe, expect, it } from 'vitest';
import { extractIds } from '../../lib/tenant-setup';

describe('extractIds (discovery)', () => {
  it.each<[unknown, string[]]>([
    ['{"items":[{"id":"a"},{"id":"b"},{"name":"no id"},{"id":""}],"nextCursor":null}', ['a', 'b']],
    ['{"items":"nope"}', []],
    ['not json', []],
    [null, []],
  ])('extracts ids from %j', (body, ids) => {
    expect(extractIds(body, 'id')).toEqual(ids);
  });
});
