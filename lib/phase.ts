/**
 * Phase tagging from the run clock and the chaos window (docs/architecture.md#k6-side):
 *
 *   baseline | transition | chaos | transition | [settling] | recovery
 *   0 ... start-margin ... start+margin ... end-margin ... end+margin ... +recoveryTime ...
 *
 * `transition` covers `margin` on both sides of each fault edge, so injection setup time
 * (xk6-disruptor attaches agents before the fault starts) and in-flight requests at the edges
 * pollute neither phase. `settling` is the stated recovery time after the outage in
 * `CHAOS_EXPECT=expiry` mode (0 in fallback mode). No SLO threshold selects `transition` or
 * `settling`; their requests still count in untagged metrics.
 */
export type Phase = 'baseline' | 'chaos' | 'recovery' | 'transition' | 'settling';

export interface ChaosWindow {
  enabled: boolean;
  startMs: number;
  durationMs: number;
  marginMs: number;
  /** Extra time after the outage before `recovery` begins (expiry mode). */
  settleMs: number;
}

export function phaseAt(elapsedMs: number, w: ChaosWindow): Phase {
  if (!w.enabled) return 'baseline';
  const end = w.startMs + w.durationMs;
  if (elapsedMs < w.startMs - w.marginMs) return 'baseline';
  if (elapsedMs < w.startMs + w.marginMs) return 'transition';
  if (elapsedMs < end - w.marginMs) return 'chaos';
  if (elapsedMs < end + w.marginMs) return 'transition';
  if (elapsedMs < end + w.marginMs + w.settleMs) return 'settling';
  return 'recovery';
}

/**
 * Default transition margin: 5 % of the outage, at least 1 s and at most 15 s (a 5 m outage gets
 * 15 s, a compressed 15 s outage gets 1 s). The chaos phase keeps at least half of the outage.
 */
export function defaultMarginMs(chaosDurationMs: number): number {
  return Math.min(15_000, Math.max(1_000, Math.round(chaosDurationMs * 0.05)));
}
