/**
 * Bad configuration, reported once with every problem found (docs/architecture.md#conventions). Thrown in the init
 * context, so k6 stops with exit code 107 before any request is sent.
 */
import type { ConfigProblem } from '../contracts/env-reader';
import { redact } from './log';

export type { ConfigProblem };

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        // Rejected values are echoed to help; one with credentials in it (a URL's user:password@) is not.
        redact(problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
