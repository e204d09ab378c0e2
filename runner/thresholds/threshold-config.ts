/**
 * The shape of `options.thresholds` (docs/k6-semantics.md#threshold-grammar, #threshold-abort; k6 `metrics/thresholds.go`
 * thresholdConfig): an object from metric key to an ARRAY whose items are either an expression
 * string or `{threshold, abortOnFail?, delayAbortEval?}`. This stage only reads that shape; the
 * expressions are parsed by contracts/threshold-grammar.ts.
 *
 * `delayAbortEval` is a k6 duration: a Go duration string (`'10s'`, `'1m30s'`), with `d` for days
 * (`'1d12h'`), an integer string or a number meaning milliseconds (k6 `types.ParseExtendedDuration`).
 * Unknown keys in the object form are rejected (k6 ignores them silently, which hides typos such
 * as `abortOnFailure`; DIFFERENCES.md).
 */

import { parseK6Duration as parseDuration } from '../../contracts/duration';
import { ABORT_ON_FAIL_KEY, DELAY_ABORT_EVAL_KEY, THRESHOLD_CONFIG_KEYS, THRESHOLD_KEY } from '../constants';
import type { ThresholdProblem } from './errors';

export interface ThresholdConfig {
  key: string;
  source: string;
  abortOnFail: boolean;
  /** Milliseconds; undefined = abort as soon as the threshold fails. */
  delayAbortEvalMs?: number;
}

/** k6's extended duration, in ms; undefined if k6 would reject it. */
export function parseExtendedDuration(input: unknown): number | undefined {
  return parseDuration(input);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `'${v}'` : typeof v);

export interface ThresholdsOption {
  /** Every key whose value is an array (possibly empty), in written order. */
  keys: string[];
  configs: ThresholdConfig[];
  problems: ThresholdProblem[];
}

/** Reads `options.thresholds`; returns the configs and every shape problem found. */
export function readThresholdsOption(option: unknown): ThresholdsOption {
  const keys: string[] = [];
  const configs: ThresholdConfig[] = [];
  const problems: ThresholdProblem[] = [];
  if (option === undefined || option === null) return { keys, configs, problems };
  if (!isPlainObject(option)) {
    problems.push({ key: '', message: `options.thresholds must be an object mapping metric keys to arrays of expressions (got ${describe(option)})` });
    return { keys, configs, problems };
  }
  for (const [key, list] of Object.entries(option)) {
    if (Array.isArray(list)) keys.push(key);
    else {
      problems.push({
        key,
        message: `must be an array of threshold expressions, e.g. ['p(95)<300'] or [{ threshold: 'rate<0.01', abortOnFail: true }] (got ${describe(list)})`,
      });
      continue;
    }
    list.forEach((item: unknown, index) => {
      if (typeof item === 'string') {
        configs.push({ key, source: item, abortOnFail: false });
        return;
      }
      if (!isPlainObject(item)) {
        problems.push({ key, message: `item ${index} must be an expression string or an object {threshold, abortOnFail, delayAbortEval} (got ${describe(item)})` });
        return;
      }
      const source = item[THRESHOLD_KEY];
      const shown = typeof source === 'string' ? source : undefined;
      let bad = false;
      const fail = (message: string): void => {
        bad = true;
        problems.push(shown === undefined ? { key, message } : { key, expression: shown, message });
      };
      for (const k of Object.keys(item)) {
        if (!(THRESHOLD_CONFIG_KEYS as readonly string[]).includes(k)) {
          fail(`unknown key '${k}' in item ${index} (allowed: ${THRESHOLD_CONFIG_KEYS.join(', ')})`);
        }
      }
      if (typeof source !== 'string') fail(`item ${index}: '${THRESHOLD_KEY}' must be an expression string such as 'p(95)<300' (got ${describe(source)})`);
      const abort = item[ABORT_ON_FAIL_KEY];
      if (abort !== undefined && typeof abort !== 'boolean') fail(`'${ABORT_ON_FAIL_KEY}' must be true or false (got ${describe(abort)})`);
      const delay = item[DELAY_ABORT_EVAL_KEY];
      let delayMs: number | undefined;
      if (delay !== undefined && delay !== null) {
        delayMs = parseExtendedDuration(delay);
        if (delayMs === undefined) fail(`'${DELAY_ABORT_EVAL_KEY}' must be a duration such as '10s' or '1m30s' (got ${describe(delay)})`);
      }
      if (bad || typeof source !== 'string') return;
      const config: ThresholdConfig = { key, source, abortOnFail: abort === true };
      if (delayMs !== undefined) config.delayAbortEvalMs = delayMs;
      configs.push(config);
    });
  }
  return { keys, configs, problems };
}
