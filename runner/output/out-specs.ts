/**
 * `--out` / `-o` (repeatable) and `K6_OUT` (comma-separated), as in k6: the flag, when given,
 * replaces the variable; each value is `type` or `type=argument`, split at the first `=`
 * (k6 `internal/cmd/outputs.go` createOutputs). An unknown type stops the run with k6's message.
 */
import { EXIT_CODES } from '../constants';
import { RunnerError } from '../errors';

export const OUTPUT_TYPES = ['experimental-prometheus-rw', 'json'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export interface OutSpec {
  type: OutputType;
  arg: string;
}

/** Bounds: a command line with more outputs than this is a mistake, not a configuration. */
export const MAX_OUTPUTS = 16;

export class OutputConfigError extends RunnerError {
  constructor(message: string) {
    // k6 returns these errors without an exit code, so the process exits -1 (255).
    super('ERR_USAGE', EXIT_CODES.UNKNOWN, message);
    this.name = 'OutputConfigError';
  }
}

export function resolveOutSpecs(flagValues: readonly string[] | undefined, envValue: string | undefined): OutSpec[] {
  const raw = flagValues !== undefined && flagValues.length > 0 ? [...flagValues] : envValue ? envValue.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
  const source = flagValues !== undefined && flagValues.length > 0 ? '--out' : 'K6_OUT';
  if (raw.length > MAX_OUTPUTS) throw new OutputConfigError(`${source}: at most ${MAX_OUTPUTS} outputs (got ${raw.length})`);
  return raw.map((value) => {
    const eq = value.indexOf('=');
    const type = eq < 0 ? value : value.slice(0, eq);
    const arg = eq < 0 ? '' : value.slice(eq + 1);
    if (!(OUTPUT_TYPES as readonly string[]).includes(type)) {
      throw new OutputConfigError(`invalid output type '${type}', available types are: ${OUTPUT_TYPES.join(', ')} (from ${source})`);
    }
    return { type: type as OutputType, arg };
  });
}
