/**
 * `npm start`: the newcomer's first command. Builds (done by the npm script), starts the
 * reference platform on loopback, runs the full plan — 5,000 RPS, 90/10 mix, >= 10 tenants, a JWKS
 * outage in the same run — prints k6's summary with the SLO and chaos verdict, then the platform's
 * own evidence, and exits with the run's exit code (k6's: 0 pass, 99 thresholds crossed, ...).
 */
import { parseGoDuration } from '../contracts/duration';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderEvidence } from './evidence';
import { generatorHintFor } from './verdict-hint';
import { rampStartRate } from '../contracts/load-profile';
import { START_USAGE, StartOptionsError, parseStartArgs } from './options';
import { resolveInstances, planInstances } from './instances';
import { combinedVerdict, runExit } from './combined-verdict';
import { bundleFor, chaosEnv, noisyRateLimit } from './plan';
import { stopAll } from './processes';
import { REPO_ROOT, k6Available, runStack } from './stack';

const EXIT_MEANING: Record<number, string> = {
  0: 'PASS: every SLO held',
  99: 'FAIL: an SLO did not hold (exit 99, as k6)',
  104: 'ERROR: invalid options or thresholds (exit 104)',
  105: 'STOPPED: interrupted (exit 105)',
  107: 'ERROR: script exception in init, setup or teardown (exit 107)',
  108: 'STOPPED: the script aborted the test (exit 108)',
  110: 'FAIL: the script marked the test failed (exit 110)',
};

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseStartArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof StartOptionsError) {
      for (const p of err.problems) console.error(`npm start: ${p}`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(START_USAGE);
    return 0;
  }
  const opts = parsed.options;
  const engine = opts.engine === 'auto' ? (k6Available() ? 'k6' : 'offline') : opts.engine;
  const instances = resolveInstances(opts.instances, engine, opts.rate);
  const needed = [bundleFor(engine, opts.chaosFault), 'build/tenant-sim.js', ...(engine === 'offline' ? ['build/k6-offline.js'] : [])];
  const missing = needed.filter((f) => !existsSync(join(REPO_ROOT, f)));
  if (missing.length > 0) {
    console.error(`npm start: missing ${missing.join(', ')}; run \`npm run build\` (npm start does it for you)`);
    return 1;
  }

  console.error(
    `npm start: ${opts.rate} req/s for ${opts.duration}${parseGoDuration(opts.rampUp) ? ` (the first ${opts.rampUp} ramping up from ${rampStartRate(opts.rate)}/s)` : ''} over ${opts.tenants} tenants, ` +
      (opts.chaos === 'off'
        ? 'no chaos'
        : `JWKS outage ${opts.chaosDuration} from ${opts.chaosStart} (${opts.chaos === 'fallback' ? 'cache TTL outlives it: fallback expected' : 'cache TTL expires inside it: fail-closed expected'})`) +
      (opts.tenantWeights ? `; tenant weights ${opts.tenantWeights}` : '') +
      (opts.noisy ? `; noisy neighbour ${opts.noisy.tenant} +${opts.noisy.rate}/s over a per-tenant limit of ${noisyRateLimit(opts)}/s` : '') +
      (opts.degrade.length > 0 ? `; degraded on purpose: ${opts.degrade.join(' ')}` : '') +
      `; engine: ${engine === 'offline' ? 'k6-offline (no k6 on PATH)' : 'k6'}` +
      (instances > 1 ? `; ${instances} instances (execution segments ${planInstances(instances, opts.outDir).map((p) => p.segment).join(', ')})` : ''),
  );

  // Ctrl+C reaches the whole foreground process group; a signal sent to this process alone is
  // passed on, so the runner still ends with its summary (k6 exit 105) and nothing is left behind.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) {
      void stopAll(1000).then(() => process.exit(105));
      return;
    }
    interrupted = true;
    void stopAll(10_000);
    console.error(`\nnpm start: ${sig} received, stopping (again to force)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await runStack({ ...opts, engine });
  let exitCode = result.exitCode;
  try {
    if (result.evidence) console.log(`\n${renderEvidence(result.evidence)}`);
    if (result.summaries.length === 1) {
      console.log(`\nsummary: ${result.summaryJson}\njunit:   ${result.junitXml}\nresults: ${result.results[0]} (every sample, k6's JSON output)`);
    } else {
      console.log('');
      result.summaries.forEach((s, i) => {
        const code = result.exitCodes[i] ?? 1;
        console.log(`instance ${i + 1}/${result.summaries.length}: exit ${code} (${EXIT_MEANING[code] ?? `FAIL: exit ${code}`})\n  summary: ${s}\n  junit:   ${result.junits[i]}\n  results: ${result.results[i]}`);
      });
      console.log('run exit code: the combined verdict\'s below (a runner\'s own error code other than 0 or 99 stands)');
    }
    // One verdict for the run: every instance's samples merged, judged over time and tenants.
    const verdict = await combinedVerdict(result.results, { ...process.env, ...chaosEnv(opts) }, result.summaryJson);
    console.log(`\n${verdict.text}`);
    if (verdict.report) console.log(`report:  ${verdict.report} (open it in a browser)\nverdict: ${verdict.json}`);
    exitCode = runExit(result.exitCode, verdict.code);
    if (exitCode === 99 && result.exitCode === 0) console.log('\nk6\'s thresholds held in every instance, but the combined verdict found an SLO that did not hold (a window, a phase or a tenant above).');
    console.log(`\n${EXIT_MEANING[exitCode] ?? `FAIL: exit ${exitCode}`}${verdict.code === 2 ? '' : ' (the combined verdict over every instance)'}`);
    if (opts.prometheus) console.log(`time series pushed to ${new URL(opts.prometheus).origin} with testid=${result.testid}`);
    const hint = result.exitCode === 99 ? generatorHintFor(result.summaries) : undefined;
    if (hint) console.log(hint);
  } finally {
    await result.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(`npm start: ${(err as Error).message}`);
    await stopAll(1000);
    process.exit(1);
  },
);
