/**
 * List pagination: `?limit=1..100` (default 20) and an opaque `?cursor` (base64url of the next
 * offset). Lists answer `{items, nextCursor}`; `nextCursor` is null on the last page.
 */
import { InvalidQueryError, type FieldProblem } from '../errors';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface Page {
  offset: number;
  limit: number;
}

export function parsePage(query: URLSearchParams, problems: FieldProblem[]): Page {
  let limit = DEFAULT_LIMIT;
  let offset = 0;
  const rawLimit = query.get('limit');
  if (rawLimit !== null) {
    if (!/^\d{1,3}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      problems.push({ path: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT} (got '${rawLimit.slice(0, 32)}')` });
    } else limit = Number(rawLimit);
  }
  const cursor = query.get('cursor');
  if (cursor !== null && cursor !== '') {
    const decoded = /^[A-Za-z0-9_-]{1,16}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    const m = /^o:(\d{1,7})$/.exec(decoded);
    if (!m) problems.push({ path: 'cursor', message: 'is not a cursor this API returned' });
    else offset = Number(m[1]);
  }
  return { offset, limit };
}

export function paginate<T>(items: readonly T[], page: Page): { items: T[]; nextCursor: string | null } {
  const end = page.offset + page.limit;
  return {
    items: items.slice(page.offset, end),
    nextCursor: end < items.length ? Buffer.from(`o:${end}`).toString('base64url') : null,
  };
}

export function throwIfProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new InvalidQueryError(problems);
}
