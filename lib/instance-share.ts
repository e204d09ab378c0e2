/**
 * Which instance of a distributed run executes the 1-VU `jwks_chaos` scenario. k6 hands the units
 * of an integer quantity to segments in a fixed order that starts with the first segment when the
 * segments are equal (docs/k6-semantics.md#execution-segments), as the k6 Operator makes them: runner 1
 * (`0:1/N`) gets the single VU and the others skip the scenario silently.
 */

/** One end of a k6 execution segment (`1/4`, `25%`, `0.25`) as a number, or undefined. */
function segmentPoint(text: string): number | undefined {
  const t = text.trim();
  if (t.endsWith('%')) {
    const n = Number(t.slice(0, -1));
    return t.length > 1 && Number.isFinite(n) ? n / 100 : undefined;
  }
  const frac = /^(\d+)\/(\d+)$/.exec(t);
  if (frac) return Number(frac[2]) === 0 ? undefined : Number(frac[1]) / Number(frac[2]);
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : undefined;
}

/**
 * A k6 execution segment (`25%`, `1/4`, `0:1/4`, `1/4:1/2`, `0.25:0.5`) as `[from, to]`;
 * a single value means `0:value`. Undefined when it is not one k6 would accept.
 */
export function parseSegment(segment: string): [number, number] | undefined {
  const parts = segment.split(':');
  if (parts.length > 2) return undefined;
  const from = parts.length === 2 ? segmentPoint(parts[0] as string) : 0;
  const to = segmentPoint(parts[parts.length - 1] as string);
  if (from === undefined || to === undefined || from < 0 || to > 1 || from >= to) return undefined;
  return [from, to];
}

/**
 * This instance's share of the whole test (`to - from` of its segment); 1 without a segment. The
 * dropped-iterations budget scales with it: each instance schedules only its share.
 */
export function segmentShare(segment: string | undefined): number {
  if (segment === undefined || segment.trim() === '') return 1;
  const parsed = parseSegment(segment.trim());
  return parsed ? parsed[1] - parsed[0] : 1;
}

/**
 * Whether this instance runs the 1-VU fault scenario: a single-instance run does, and in a
 * segmented run the instance whose segment starts at 0 does.
 */
export function runsFaultScenario(segment: string | undefined): boolean {
  if (segment === undefined || segment.trim() === '') return true;
  return parseSegment(segment.trim())?.[0] === 0;
}
