/** sim/api/pagination.ts: page parameters and pages. */
import { describe, expect, it } from 'vitest';
import { paginate, parsePage } from '../../../sim/api/pagination';
import { seedTenant } from '../../../sim/api/store/seed';
import { type FieldProblem } from '../../../sim/errors';

describe('pagination', () => {
  it('walks a list with opaque cursors until nextCursor is null', () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const problems: FieldProblem[] = [];
      const page = parsePage(new URLSearchParams({ limit: '20', cursor }), problems);
      expect(problems).toEqual([]);
      const res = paginate(items, page);
      seen.push(...res.items);
      cursor = res.nextCursor;
    }
    expect(seen).toEqual(items);
  });

  it('seeds identical data for a tenant every time', () => {
    expect(seedTenant('tenant-05')).toEqual(seedTenant('tenant-05'));
  });
});
