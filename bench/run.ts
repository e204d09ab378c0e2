/**
 * `npm run bench`: every benchmark part in one run, side by side, written to
 * bench/reports/bench.md (+ .json) with the machine's facts.
 *
 *   npm run bench                      all parts: sim, runner, bundle-cost, json-output, e2e, verdict, timeline (about 27 minutes)
 *   npm run bench -- sim runner        only those parts
 *   npm run bench -- e2e --duration 2m --ramp-up 10s --chaos-duration 30s
 *   npm run bench -- e2e --chaos-fault error   the Kubernetes bundle instead of the agent bundle
 *
 * Parts run one after another, never concurrently: each owns the machine's two cores while it
 * measures, and the ratios inside a part (runner vs wrk, platform per core) come from one run.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../launch/stack';
import { chaosFaultArg, E2E_BENCH_DEFAULTS, run as runE2e } from './e2e';
import type { ChaosFaultShape } from '../launch/options';
import { writeReport, type BenchSection } from './report';
import { run as runRunner } from './runner';
import { run as runSim } from './sim';
import { run as runTimeline } from './timeline';
import { run as runVerdict } from './verdict';
import { run as runJsonOutput } from './json-output';
import { run as runBundleCost } from './bundle-iteration';

const PARTS = ['sim', 'runner', 'bundle-cost', 'json-output', 'e2e', 'verdict', 'timeline'] as const;
type Part = (typeof PARTS)[number];

function parse(argv: string[]): { parts: Part[]; duration: string; rampUp: string; chaosDuration: string; chaosStart: string; chaosFault: ChaosFaultShape } {
  const parts: Part[] = [];
  let chaosFault = E2E_BENCH_DEFAULTS.chaosFault;
  let duration = E2E_BENCH_DEFAULTS.duration;
  let rampUp = E2E_BENCH_DEFAULTS.rampUp;
  let chaosDuration = E2E_BENCH_DEFAULTS.chaosDuration;
  let chaosStart = E2E_BENCH_DEFAULTS.chaosStart;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--duration') duration = argv[++i] ?? duration;
    else if (a === '--ramp-up') rampUp = argv[++i] ?? rampUp;
    else if (a === '--chaos-duration') chaosDuration = argv[++i] ?? chaosDuration;
    else if (a === '--chaos-start') chaosStart = argv[++i] ?? chaosStart;
    else if (a === '--chaos-fault') chaosFault = chaosFaultArg(argv[++i] ?? '', 'bench');
    else if ((PARTS as readonly string[]).includes(a)) parts.push(a as Part);
    else {
      console.error(`bench: unknown argument '${a}'; parts are ${PARTS.join(', ')}; flags --duration, --ramp-up, --chaos-start, --chaos-duration, --chaos-fault`);
      process.exit(2);
    }
  }
  return { parts: parts.length ? parts : [...PARTS], duration, rampUp, chaosDuration, chaosStart, chaosFault };
}

const args = parse(process.argv.slice(2));
const sections: BenchSection[] = [];
for (const part of args.parts) {
  console.error(`bench: ${part} ...`);
  if (part === 'sim') sections.push(await runSim());
  if (part === 'runner') sections.push(await runRunner());
  if (part === 'bundle-cost') sections.push(await runBundleCost());
  if (part === 'verdict') sections.push(await runVerdict());
  if (part === 'json-output') sections.push(await runJsonOutput());
  if (part === 'timeline') sections.push(...(await runTimeline()));
  if (part === 'e2e') sections.push(await runE2e({ ...E2E_BENCH_DEFAULTS, duration: args.duration, rampUp: args.rampUp, chaosDuration: args.chaosDuration, chaosStart: args.chaosStart, chaosFault: args.chaosFault }));
}
const file = writeReport(join(REPO_ROOT, 'bench/reports/bench'), 'Benchmark report', sections);
console.log(`bench: report written to ${file}`);
