/**
 * The read/write mix: an iteration is a read with probability `READ_RATIO` (default 0.9), then an
 * operation of that kind by weight among those the tenant can run (some need discovered ids).
 */
import type { Kind, Operation } from './catalog';
import { hasIds, isRunnable } from './catalog';
import { idCount, type IdPool } from './id-pool';

export function chooseKind(readRatio: number, random: () => number): Kind {
  return random() < readRatio ? 'read' : 'write';
}

/** Weighted pick; `undefined` when the list is empty. */
export function pickWeighted<T extends { weight?: number }>(items: readonly T[], random: () => number): T | undefined {
  if (items.length === 0) return undefined;
  let total = 0;
  for (const it of items) total += it.weight ?? 1;
  let r = random() * total;
  for (const it of items) {
    r -= it.weight ?? 1;
    if (r < 0) return it;
  }
  return items[items.length - 1];
}

/**
 * The operation for one iteration. Falls back to the other kind only when the tenant cannot run
 * any operation of the drawn kind (missing discovered ids), so the mix stays honest otherwise.
 */
export function chooseOperation(
  operations: readonly Operation[],
  readRatio: number,
  ids: Readonly<Record<string, IdPool>>,
  random: () => number,
): Operation | undefined {
  const kind = chooseKind(readRatio, random);
  const runnable = operations.filter((op) => isRunnable(op, ids));
  const ofKind = runnable.filter((op) => op.kind === kind);
  return pickWeighted(ofKind.length > 0 ? ofKind : runnable, random);
}

/** What `chooseOperation` filters per call, done once per set of runnable items: by kind. */
export interface TenantMix<T> {
  readonly runnable: readonly T[];
  readonly read: readonly T[];
  readonly write: readonly T[];
}

export interface MixItem {
  readonly kind: Kind;
  readonly weight?: number;
  /** Discovered placeholders the item needs. */
  readonly needs: readonly string[];
}

export function tenantMix<T extends MixItem>(items: readonly T[], ids: Readonly<Record<string, IdPool>>): TenantMix<T> {
  const runnable = items.filter((it) => hasIds(it.needs, ids));
  return { runnable, read: runnable.filter((it) => it.kind === 'read'), write: runnable.filter((it) => it.kind === 'write') };
}

/**
 * The mixes of one VU, shared by every tenant with the same discovered placeholders present: what
 * a tenant can run depends only on which of them it has ids for, so there are at most
 * 2^(placeholders) mixes (8 for the built-in catalog) whatever the size of the tenant pool.
 */
export class MixTable<T extends MixItem> {
  private readonly names: readonly string[];
  private readonly byMask = new Map<number | string, TenantMix<T>>();

  constructor(private readonly items: readonly T[]) {
    this.names = [...new Set(items.flatMap((it) => it.needs))];
  }

  /** The mix for a tenant with these discovered ids. */
  for(ids: Readonly<Record<string, IdPool>>): TenantMix<T> {
    const key = this.keyOf(ids);
    let mix = this.byMask.get(key);
    if (!mix) {
      mix = tenantMix(this.items, ids);
      this.byMask.set(key, mix);
    }
    return mix;
  }

  private keyOf(ids: Readonly<Record<string, IdPool>>): number | string {
    const names = this.names;
    if (names.length <= 30) {
      let mask = 0;
      for (let i = 0; i < names.length; i++) if (idCount(ids[names[i] as string]) > 0) mask |= 1 << i;
      return mask;
    }
    return names.map((n) => (idCount(ids[n]) > 0 ? '1' : '0')).join('');
  }
}

/** `chooseOperation` over a precomputed mix: the same draws, in the same order, for the same result. */
export function chooseFromMix<T extends MixItem>(mix: TenantMix<T>, readRatio: number, random: () => number): T | undefined {
  const ofKind = chooseKind(readRatio, random) === 'read' ? mix.read : mix.write;
  return pickWeighted(ofKind.length > 0 ? ofKind : mix.runnable, random);
}
