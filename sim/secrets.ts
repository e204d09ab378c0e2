/** Constant-time comparison of a presented secret with the configured one. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function secretEquals(presented: string, expected: string): boolean {
  // Hash both so lengths match and timing does not reveal the expected length.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer credential of an Authorization header, or null. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = header.slice(space + 1).trim();
  return token.length > 0 ? token : null;
}
