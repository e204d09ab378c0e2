/**
 * `npm start`'s combined verdict: after the per-instance k6 summaries, tenant-verdict judges every
 * instance's JSON output as one run (whole run, phases, worst window, tenants), writes report.html
 * and verdict.json next to summary.json, and its exit code becomes the run's — unless a runner
 * ended in an error k6 reports itself (script error 107, interrupted 105, …), which stands.
 */
import { dirname, join } from 'node:path';
import type { Env } from '../contracts/env-reader';
import { renderText } from '../verdict/format';
import { EXIT_OK, EXIT_SLO_FAILED, judge, parseVerdictArgs } from '../verdict/main';

export interface CombinedVerdict {
  /** 0, 99, or 2 when the outputs could not be read (message in `text`). */
  code: number;
  text: string;
  report?: string;
  json?: string;
}

export async function combinedVerdict(results: readonly string[], env: Env, summaryJson: string): Promise<CombinedVerdict> {
  const dir = dirname(summaryJson);
  const report = join(dir, 'report.html');
  const json = join(dir, 'verdict.json');
  try {
    const run = await judge(parseVerdictArgs([...results, '--report', report, '--json', json]), env);
    return { code: run.verdict.ok ? EXIT_OK : EXIT_SLO_FAILED, text: renderText(run.verdict, run.info), report, json };
  } catch (err) {
    return { code: 2, text: `tenant-verdict: no combined verdict: ${(err as Error).message}\n` };
  }
}

/**
 * The run's exit code: the combined verdict's (0 or 99) when every runner ended with a verdict of
 * its own (0 or 99); a runner's error code otherwise, and whenever the verdict could not be made.
 */
export function runExit(runnerCode: number, verdictCode: number): number {
  if (runnerCode !== EXIT_OK && runnerCode !== EXIT_SLO_FAILED) return runnerCode;
  if (verdictCode !== EXIT_OK && verdictCode !== EXIT_SLO_FAILED) return runnerCode;
  return verdictCode;
}
