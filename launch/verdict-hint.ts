/**
 * When a run fails only because iterations were dropped, the verdict is about the load generator,
 * not the platform: say so, and what to do. Reads the bundle's summary.json files (their
 * `verdict.rows`, lib/summary); pure apart from reading them.
 */
import { existsSync, readFileSync } from 'node:fs';

interface VerdictRow {
  id: string;
  ok: boolean;
  /** `slo`: a service-level objective; `evidence`: a no-verdict-without-data guard. */
  role?: string;
}

/**
 * The ids of the failed SLO rows over every instance's summary. Evidence guards are left out: a
 * run the dropped gate aborted early never reached the outage, so its chaos evidence is missing
 * as a consequence, not as a second finding.
 */
export function failedRows(summaryTexts: readonly string[]): string[] {
  const failed = new Set<string>();
  for (const text of summaryTexts) {
    const rows = (JSON.parse(text) as { verdict?: { rows?: VerdictRow[] } }).verdict?.rows ?? [];
    for (const row of rows) if (!row.ok && row.role !== 'evidence') failed.add(row.id);
  }
  return [...failed];
}

export const GENERATOR_HINT =
  'Of the SLOs only the dropped-iterations gate failed: the load generator could not start\n' +
  'iterations on time at this rate on this machine, while every platform SLO it measured held\n' +
  '(an early abort leaves the outage evidence unmeasured). Run fewer requests per second (--rate),\n' +
  'more runner processes on a bigger machine (--instances), or k6 itself (--engine k6).';

/** The hint when `dropped` is the only failed SLO row, else undefined. */
export function generatorHint(summaryTexts: readonly string[]): string | undefined {
  const failed = failedRows(summaryTexts);
  return failed.length === 1 && failed[0] === 'dropped' ? GENERATOR_HINT : undefined;
}

/** {@link generatorHint} over summary files; unreadable files give no hint. */
export function generatorHintFor(files: readonly string[]): string | undefined {
  try {
    return generatorHint(files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')));
  } catch {
    return undefined;
  }
}
