/**
 * Execution segments and k6's striping (docs/k6-semantics.md#execution-segments, k6 `lib/execution_segment.go`).
 *
 * A segment is `(from, to]` of the whole test; the sequence lists every instance's boundaries.
 * Integer quantities (VUs, iterations, arrival ticks) are handed out unit by unit in a fixed
 * round-robin pattern of length `lcd` (the lowest common denominator of the segment lengths):
 * segments are sorted largest first (ties keep sequence order) and at each unit the first segment
 * whose next due position has arrived takes it. For N equal segments unit k goes to segment
 * `k mod N`, so 10 VUs over 4 give 3,3,2,2 and 1 VU over 4 gives 1,0,0,0.
 */

export interface Rational {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

export function rat(num: number, den = 1): Rational {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

const sub = (a: Rational, b: Rational): Rational => rat(a.num * b.den - b.num * a.den, a.den * b.den);
const cmp = (a: Rational, b: Rational): number => a.num * b.den - b.num * a.den;
const ratString = (r: Rational): string => (r.den === 1 ? String(r.num) : `${r.num}/${r.den}`);

/** Parses `1/4`, `0.25`, `25%` (k6 `stringToRat`). */
export function parseRational(text: string): Rational | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?%$/.test(t)) {
    const [whole, frac = ''] = t.slice(0, -1).split('.');
    return rat(Number(whole + frac), 100 * 10 ** frac.length);
  }
  if (/^\d+\/\d+$/.test(t)) {
    const [n, d] = t.split('/').map(Number) as [number, number];
    return d === 0 ? undefined : rat(n, d);
  }
  if (/^\d+(\.\d+)?$/.test(t)) {
    const [whole, frac = ''] = t.split('.');
    return rat(Number(whole + frac), 10 ** frac.length);
  }
  return undefined;
}

export interface Segment {
  from: Rational;
  to: Rational;
}

/** `0:1/4`, `1/4:1/2`, or a single value meaning `0:value` (k6 `UnmarshalText`). */
export function parseSegment(text: string): Segment | string {
  const t = text.trim() === '' ? '1' : text.trim();
  const [a, b] = t.includes(':') ? (t.split(':', 2) as [string, string]) : ['0', t];
  const from = parseRational(a);
  const to = parseRational(b);
  if (!from || !to) return `'${text}' is not a valid percentage, decimal, fraction or interval value`;
  if (cmp(from, to) >= 0) return `segment start(${ratString(from)}) should be less than its end(${ratString(to)})`;
  if (cmp(to, rat(1)) > 0) return `segment end value shouldn't be more than 1 but was ${ratString(to)}`;
  return { from, to };
}

/** `0,1/4,1/2,3/4,1` → boundaries; must be increasing within [0, 1]. */
export function parseSequence(text: string): Rational[] | string {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out: Rational[] = [];
  for (const p of parts) {
    const r = parseRational(p);
    if (!r) return `'${p}' is not a valid percentage, decimal or fraction value`;
    if (cmp(r, rat(1)) > 0) return `sequence value ${p} is more than 1`;
    const prev = out[out.length - 1];
    if (prev && cmp(r, prev) <= 0) return `sequence values must increase, got ${ratString(prev)} then ${p}`;
    out.push(r);
  }
  if (out.length < 2) return 'an execution segment sequence needs at least two values';
  return out;
}

/**
 * The full sequence an instance uses: the given one, or (k6 `GetFilledExecutionSegmentSequence`)
 * the segment alone with the gaps around it filled in. Returns the boundaries and the index of
 * the instance's own segment in it.
 */
export function resolveSequence(segment: Segment, sequence: Rational[] | undefined): { bounds: Rational[]; index: number } | string {
  let bounds = sequence ? [...sequence] : [];
  if (!sequence) {
    if (cmp(segment.from, rat(0)) > 0) bounds.push(rat(0));
    bounds.push(segment.from, segment.to);
    if (cmp(segment.to, rat(1)) < 0) bounds.push(rat(1));
  } else {
    if (cmp(bounds[0]!, rat(0)) !== 0) bounds = [rat(0), ...bounds];
    if (cmp(bounds[bounds.length - 1]!, rat(1)) !== 0) bounds.push(rat(1));
  }
  for (let i = 0; i + 1 < bounds.length; i++) {
    if (cmp(bounds[i]!, segment.from) === 0 && cmp(bounds[i + 1]!, segment.to) === 0) return { bounds, index: i };
  }
  return `execution segment ${ratString(segment.from)}:${ratString(segment.to)} is not part of the sequence ${bounds.map(ratString).join(',')}`;
}

/**
 * The striping pattern for a list of segment lengths: which segment gets each of the `lcd`
 * units of one period. Pure and deterministic.
 */
export function stripePattern(lengths: readonly Rational[]): number[] {
  const lcd = lengths.reduce((acc, l) => (acc * l.den) / gcd(acc, l.den), 1);
  const norm = lengths.map((l, index) => ({ n: (l.num * lcd) / l.den, index }));
  const sorted = [...norm].sort((a, b) => b.n - a.n); // Array.prototype.sort is stable
  // Next due position (as a fraction numerator over n) per sorted entry: entry gets a unit when
  // i >= due; due advances by lcd/n.
  const due = sorted.map(() => 0);
  const pattern: number[] = [];
  for (let i = 0; i < lcd; i++) {
    let chosen = -1;
    let best = Infinity;
    for (let s = 0; s < sorted.length; s++) {
      const e = sorted[s]!;
      if (e.n === 0) continue;
      // Strictly smaller due wins; ties go to the earlier (larger) segment.
      if (due[s]! < best) {
        best = due[s]!;
        chosen = s;
      }
    }
    if (chosen < 0) break;
    pattern.push(sorted[chosen]!.index);
    due[chosen]! += lcd / sorted[chosen]!.n;
  }
  return pattern;
}

/** A tuple: the boundaries plus this instance's index, with helpers to scale and map units. */
export class ExecutionTuple {
  readonly lengths: Rational[];
  readonly index: number;
  readonly pattern: number[];
  /** Positions within one period that belong to this instance. */
  readonly mine: number[];

  constructor(lengths: Rational[], index: number) {
    this.lengths = lengths;
    this.index = index;
    this.pattern = stripePattern(lengths);
    this.mine = this.pattern.flatMap((owner, pos) => (owner === index ? [pos] : []));
  }

  static full(): ExecutionTuple {
    return new ExecutionTuple([rat(1)], 0);
  }

  static fromBounds(bounds: Rational[], index: number): ExecutionTuple {
    const lengths: Rational[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) lengths.push(sub(bounds[i + 1]!, bounds[i]!));
    return new ExecutionTuple(lengths, index);
  }

  get isFull(): boolean {
    return this.lengths.length === 1;
  }

  /** This instance's share of `value` units (k6 `ScaleInt64`). */
  scale(value: number): number {
    const period = this.pattern.length;
    if (period === 0 || value <= 0) return 0;
    const whole = Math.floor(value / period) * this.mine.length;
    const rest = value % period;
    return whole + this.mine.filter((p) => p < rest).length;
  }

  /** Global unit index of this instance's `local`-th unit. */
  globalIndex(local: number): number {
    const per = this.mine.length;
    if (per === 0) return -1;
    return Math.floor(local / per) * this.pattern.length + this.mine[local % per]!;
  }

  /** Whether global unit `k` belongs to this instance. */
  owns(k: number): boolean {
    const period = this.pattern.length;
    return period > 0 && this.pattern[k % period] === this.index;
  }

  /**
   * k6's `GetNewExecutionTupleFromValue`: re-derive a tuple in which each instance's length is its
   * share of `value` (instances with no share drop out), so that e.g. iterations follow the VUs.
   */
  fromValue(value: number): ExecutionTuple | undefined {
    if (this.isFull) return this;
    const shares = this.lengths.map((_, i) => new ExecutionTuple(this.lengths, i).scale(value));
    const mineShare = shares[this.index]!;
    if (mineShare === 0 || value <= 0) return undefined;
    const lengths: Rational[] = [];
    let newIndex = 0;
    shares.forEach((s, i) => {
      if (s === 0) return;
      if (i === this.index) newIndex = lengths.length;
      lengths.push(rat(s, value));
    });
    return new ExecutionTuple(lengths, newIndex);
  }
}
