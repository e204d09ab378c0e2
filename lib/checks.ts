/**
 * Response checks: status and body shape per operation (check names are `<op id>: ...`, never
 * containing `::`, docs/k6-semantics.md#k6-module). Pure predicates, so tests table them.
 */
import type { Operation } from './catalog';

export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function hasShape(shape: Operation['shape'], doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  if (shape === 'list') return Array.isArray(d.items) && (d.nextCursor === undefined || d.nextCursor === null || typeof d.nextCursor === 'string');
  return typeof d.id === 'string' && d.id.length > 0;
}

export function statusCheckName(op: Operation): string {
  return `${op.id}: status ${op.expect.join(' or ')}`;
}

export function shapeCheckName(op: Operation): string {
  return op.shape === 'list' ? `${op.id}: body is a list` : `${op.id}: body is an object with an id`;
}

/** Whether a 401 is the platform failing closed (`invalid_token`). */
export function isFailClosed(status: number, doc: unknown): boolean {
  return status === 401 && typeof doc === 'object' && doc !== null && (doc as { error?: unknown }).error === 'invalid_token';
}
