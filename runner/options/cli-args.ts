/**
 * `k6-offline` command-line parsing. Flags and their spellings follow `k6 run`
 * (k6 `internal/cmd/options.go`, `runtime_options.go`); both `--flag value` and `--flag=value`.
 * Pure: argv in, a parsed command out; a bad command line throws UsageError (k6 exits 255 for
 * flag errors).
 */
import { UsageError } from '../errors';

export interface RunFlags {
  env: Array<[string, string]>;
  includeSystemEnvVars: boolean;
  vus?: number;
  duration?: string;
  iterations?: number;
  stages?: string[];
  tags: Array<[string, string]>;
  summaryExport?: string;
  summaryMode?: string;
  summaryTrendStats?: string;
  noThresholds: boolean;
  /** `--insecure-skip-tls-verify`; undefined unless given (k6's null.Bool: the env or script may set it). */
  insecureSkipTLSVerify?: boolean;
  noSetup: boolean;
  noTeardown: boolean;
  quiet: boolean;
  executionSegment?: string;
  executionSegmentSequence?: string;
  /** `--out`/`-o` values in order (`type` or `type=argument`); see runner/output/out-specs.ts. */
  out?: string[];
}

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | { kind: 'run'; script: string; flags: RunFlags };

type FlagSpec = { key: keyof RunFlags; value: 'bool' | 'string' | 'int' | 'list' | 'pair' };

const FLAGS: Record<string, FlagSpec> = {
  '--env': { key: 'env', value: 'pair' },
  '-e': { key: 'env', value: 'pair' },
  '--include-system-env-vars': { key: 'includeSystemEnvVars', value: 'bool' },
  '--vus': { key: 'vus', value: 'int' },
  '-u': { key: 'vus', value: 'int' },
  '--duration': { key: 'duration', value: 'string' },
  '-d': { key: 'duration', value: 'string' },
  '--iterations': { key: 'iterations', value: 'int' },
  '-i': { key: 'iterations', value: 'int' },
  '--stage': { key: 'stages', value: 'list' },
  '-s': { key: 'stages', value: 'list' },
  '--tag': { key: 'tags', value: 'pair' },
  '--summary-export': { key: 'summaryExport', value: 'string' },
  '--summary-mode': { key: 'summaryMode', value: 'string' },
  '--summary-trend-stats': { key: 'summaryTrendStats', value: 'string' },
  '--no-thresholds': { key: 'noThresholds', value: 'bool' },
  '--insecure-skip-tls-verify': { key: 'insecureSkipTLSVerify', value: 'bool' },
  '--no-setup': { key: 'noSetup', value: 'bool' },
  '--no-teardown': { key: 'noTeardown', value: 'bool' },
  '--quiet': { key: 'quiet', value: 'bool' },
  '-q': { key: 'quiet', value: 'bool' },
  '--execution-segment': { key: 'executionSegment', value: 'string' },
  '--execution-segment-sequence': { key: 'executionSegmentSequence', value: 'string' },
  '--out': { key: 'out', value: 'list' },
  '-o': { key: 'out', value: 'list' },
};

export const USAGE = `Usage:
  k6-offline run [flags] <script.js>
  k6-offline version
  k6-offline help

Runs a k6 script offline with k6's semantics (async API subset). Flags follow \`k6 run\`:
  -e, --env K=V                      add an __ENV variable (repeatable; wins over the system env)
      --include-system-env-vars      pass the system environment to __ENV (default true)
  -u, --vus N                        number of VUs (shortcut)
  -d, --duration D                   test duration (shortcut), e.g. 30s, 1m30s
  -i, --iterations N                 total iterations (shortcut, shared-iterations)
  -s, --stage D:T                    a ramping stage (repeatable), e.g. 30s:10
      --tag K=V                      add a test-wide tag to every sample (repeatable)
      --summary-export FILE          write the legacy JSON summary to FILE
      --summary-mode MODE            compact (default), full or disabled
      --summary-trend-stats LIST     e.g. avg,min,med,max,p(90),p(95)
      --no-thresholds                do not evaluate thresholds
      --insecure-skip-tls-verify     skip verification of TLS certificates
      --no-setup / --no-teardown     skip setup() / teardown()
  -q, --quiet                        no progress output
      --execution-segment SEG        e.g. 0:1/4
      --execution-segment-sequence S e.g. 0,1/4,1/2,3/4,1
  -o, --out TYPE[=ARG]               stream samples (repeatable): json=FILE (.gz compresses;
                                     no FILE or - is stdout), experimental-prometheus-rw

Environment: K6_VUS, K6_DURATION, K6_ITERATIONS, K6_STAGES, K6_NO_THRESHOLDS, K6_NO_SETUP,
K6_NO_TEARDOWN, K6_INSECURE_SKIP_TLS_VERIFY, K6_SUMMARY_EXPORT, K6_SUMMARY_MODE, K6_SUMMARY_TREND_STATS, K6_EXECUTION_SEGMENT,
K6_EXECUTION_SEGMENT_SEQUENCE, K6_OUT (comma-separated; --out replaces it),
K6_PROMETHEUS_RW_* (see runner/README.md); K6_OFFLINE_FAULT_AGENT_URL / K6_OFFLINE_FAULT_AGENT_TOKEN configure
k6/x/disruptor. Precedence: defaults < script options < K6_* env < flags.
K6_OFFLINE_VU_REALM=isolated|shared: isolated (default, as in k6) gives each VU a JavaScript realm;
shared runs all VUs in one realm (faster; globalThis writes are seen by every VU; __ITER and
randomSeed are refused). Read from k6-offline's own environment, not __ENV.
Exit codes as k6: 0, 99 thresholds, 104 invalid config, 105 interrupted, 107 script error,
108 exec.test.abort(), 110 exec.test.fail().
`;

function parseBool(flag: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new UsageError(`invalid argument "${raw}" for "${flag}" flag: expected true or false`);
}

function parsePair(flag: string, raw: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new UsageError(`invalid argument "${raw}" for "${flag}" flag: expected KEY=VALUE`);
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

export function parseArgs(argv: readonly string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') return { kind: 'help', topic: rest[0] };
  if (cmd === 'version' || cmd === '--version' || cmd === '-v') return { kind: 'version' };
  if (cmd !== 'run') {
    throw new UsageError(`unknown command "${cmd}" for "k6-offline" (commands: run, version, help)`);
  }
  const flags: RunFlags = { env: [], tags: [], includeSystemEnvVars: true, noThresholds: false, noSetup: false, noTeardown: false, quiet: false };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help', topic: 'run' };
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[name];
    if (!spec) throw new UsageError(`unknown flag: ${name} (see \`k6-offline run --help\`)`);
    let raw: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (spec.value !== 'bool' && raw === undefined) {
      raw = rest[++i];
      if (raw === undefined) throw new UsageError(`flag needs an argument: ${name}`);
    }
    const target = flags as unknown as Record<string, unknown>;
    switch (spec.value) {
      case 'bool':
        target[spec.key] = parseBool(name, raw);
        break;
      case 'string':
        target[spec.key] = raw;
        break;
      case 'int': {
        if (!/^-?\d+$/.test(raw!)) throw new UsageError(`invalid argument "${raw}" for "${name}" flag: not an integer`);
        target[spec.key] = Number(raw);
        break;
      }
      case 'list':
        ((target[spec.key] ??= []) as string[]).push(raw!);
        break;
      case 'pair':
        (target[spec.key] as Array<[string, string]>).push(parsePair(name, raw!));
        break;
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'k6-offline run needs a script: k6-offline run [flags] script.js' : `expected one script, got ${positional.join(' ')}`);
  }
  return { kind: 'run', script: positional[0]!, flags };
}
