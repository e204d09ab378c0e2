/**
 * Which instance of a distributed run executes the 1-VU `jwks_chaos` scenario. k6 hands the units
 * of an integer quantity to segments in a fixed order that starts with the first segment when the
 * segments are equal (reference/k6-facts.md §6), as the k6 Operator makes them: runner 1
 * (`0:1/N`) gets the single VU and the others skip the scenario silently.
 */

/** The start of a k6 execution segment (`25%`, `1/4`, `0:1/4`, `1/4:1/2`, `0.25:0.5`) as a number. */
function segmentStart(segment: string): number | undefined {
  const parts = segment.split(':');
  if (parts.length === 1) return 0; // `1/4` and `25%` mean `0:1/4` and `0:25%`
  const from = (parts[0] as string).trim();
  if (from.endsWith('%')) return Number(from.slice(0, -1)) / 100;
  const frac = /^(\d+)\/(\d+)$/.exec(from);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  const n = Number(from);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Whether this instance runs the 1-VU fault scenario: a single-instance run does, and in a
 * segmented run the instance whose segment starts at 0 does.
 */
export function runsFaultScenario(segment: string | undefined): boolean {
  if (segment === undefined || segment.trim() === '') return true;
  return segmentStart(segment.trim()) === 0;
}
