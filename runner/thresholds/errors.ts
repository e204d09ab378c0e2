/**
 * Invalid `options.thresholds`: exit 104 (InvalidConfig), as k6 wraps threshold validation
 * errors (docs/k6-semantics.md#threshold-grammar, #exit-codes). Carries every problem found, each naming the
 * threshold key and, where there is one, the expression.
 */
import { EXIT_CODES } from '../constants';

export interface ThresholdProblem {
  /** The key as written in `options.thresholds`, e.g. `http_req_duration{kind:read}`. */
  key: string;
  /** The expression at fault, when the problem is with one expression. */
  expression?: string;
  message: string;
}

export function describeProblem(p: ThresholdProblem): string {
  return p.expression === undefined
    ? `thresholds['${p.key}']: ${p.message}`
    : `thresholds['${p.key}'] '${p.expression}': ${p.message}`;
}

export class InvalidThresholdsError extends Error {
  readonly code = 'ERR_INVALID_THRESHOLDS';
  readonly exitCode: number = EXIT_CODES.INVALID_CONFIG;
  readonly problems: ThresholdProblem[];

  constructor(problems: ThresholdProblem[]) {
    const lines = problems.map(describeProblem);
    super(lines.length === 1 ? `invalid threshold: ${lines[0]}` : `invalid thresholds:\n  - ${lines.join('\n  - ')}`);
    this.name = 'InvalidThresholdsError';
    this.problems = problems;
  }
}
