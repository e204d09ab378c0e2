/**
 * The read/write mix: an iteration is a read with probability `READ_RATIO` (default 0.9), then an
 * operation of that kind by weight among those the tenant can run (some need discovered ids).
 */
import type { Kind, Operation } from './catalog';
import { hasIds, isRunnable } from './catalog';

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
  ids: Readonly<Record<string, readonly string[]>>,
  random: () => number,
): Operation | undefined {
  const kind = chooseKind(readRatio, random);
  const runnable = operations.filter((op) => isRunnable(op, ids));
  const ofKind = runnable.filter((op) => op.kind === kind);
  return pickWeighted(ofKind.length > 0 ? ofKind : runnable, random);
}

/** What `chooseOperation` filters per call, done once per tenant: its runnable items by kind. */
export interface TenantMix<T> {
  /** The discovered ids this mix was made for (setup data is fixed for a VU's lifetime). */
  readonly ids: Readonly<Record<string, readonly string[]>>;
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

export function tenantMix<T extends MixItem>(items: readonly T[], ids: Readonly<Record<string, readonly string[]>>): TenantMix<T> {
  const runnable = items.filter((it) => hasIds(it.needs, ids));
  return { ids, runnable, read: runnable.filter((it) => it.kind === 'read'), write: runnable.filter((it) => it.kind === 'write') };
}

/** `chooseOperation` over a precomputed mix: the same draws, in the same order, for the same result. */
export function chooseFromMix<T extends MixItem>(mix: TenantMix<T>, readRatio: number, random: () => number): T | undefined {
  const ofKind = chooseKind(readRatio, random) === 'read' ? mix.read : mix.write;
  return pickWeighted(ofKind.length > 0 ? ofKind : mix.runnable, random);
}
