/**
 * `tenant-verdict`: one verdict over time, tenants and instances from k6 outputs. Exit codes as
 * k6: 0 every SLO held, 99 one did not (k6's ThresholdsHaveFailed); 2 for a usage error or an
 * unreadable input, with a message naming it and no stack trace.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../contracts/duration';
import type { Env } from '../contracts/env-reader';
import { UsageError, verdictConfig, type VerdictConfig } from './config';
import { evaluate, type Verdict } from './evaluate';
import { renderJson, renderJunit, renderMarkdown, renderText, type RunInfo } from './format';
import { InputError, readK6Json } from './k6-json';
import { readPrometheus } from './prometheus';
import { renderReport } from './report';
import { RunData, VERDICT_METRICS } from './run-data';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_SLO_FAILED = 99;

export const USAGE = `Usage: tenant-verdict [options] FILE.json[.gz] [FILE ...]
       tenant-verdict [options] --prometheus URL --testid ID

Judges the SLO table (contracts/slo-table.ts; the bundle's SLO_*, CHAOS, CHAOS_EXPECT variables)
over the whole run, each phase, sliding windows and every tenant. Several files are instances of
one run (k6 --out json per instance, e.g. k6 Operator pods or npm start --instances): merged.

Options:
  --window D         sliding window length (k6 duration)          default 1m
  --step D           sliding window step                          default 10s
  --json FILE        { ok, slos: [{ name, scope, value, limit, ok, samples }] }
  --junit FILE       JUnit XML, one testcase per SLO and scope
  --markdown FILE    Markdown (e.g. $GITHUB_STEP_SUMMARY)
  --report FILE      one self-contained HTML report with charts (open it in a browser)
  --prometheus URL   read k6's remote-write series (k6_*) from this Prometheus instead of files
  --testid ID        the testid label of the run (with --prometheus)
  --since D          how far back --prometheus looks for the run (PromQL duration)  default 7d
  -q, --quiet        no text verdict on stdout
  -h, --help         this text

Exit: 0 every SLO held, 99 an SLO failed, 2 usage error or unreadable input.
`;

export interface Io {
  stdout: (t: string) => void;
  stderr: (t: string) => void;
}

export interface ParsedArgs {
  files: string[];
  json?: string;
  junit?: string;
  markdown?: string;
  report?: string;
  prometheus?: string;
  testid?: string;
  since?: string;
  quiet: boolean;
  windowMs?: number;
  stepMs?: number;
  help: boolean;
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseGoDuration(text);
  if (ms === undefined || !(ms >= 1000) || ms > 86_400_000) throw new UsageError(`${flag} must be a duration from 1s to 24h such as 30s, 1m or 2m30s (got '${text}')`);
  return ms;
}

export function parseVerdictArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'string' },
        junit: { type: 'string' },
        markdown: { type: 'string' },
        report: { type: 'string' },
        prometheus: { type: 'string' },
        testid: { type: 'string' },
        since: { type: 'string' },
        window: { type: 'string' },
        step: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const v = parsed.values;
  const args: ParsedArgs = {
    files: parsed.positionals,
    json: v.json,
    junit: v.junit,
    markdown: v.markdown,
    report: v.report,
    prometheus: v.prometheus,
    testid: v.testid,
    since: v.since,
    quiet: v.quiet ?? false,
    windowMs: duration('--window', v.window),
    stepMs: duration('--step', v.step),
    help: v.help ?? false,
  };
  if (args.help) return args;
  if (args.prometheus !== undefined) {
    if (args.files.length > 0) throw new UsageError('give either k6 JSON files or --prometheus URL --testid ID, not both');
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(args.prometheus)) throw new UsageError(`--prometheus must be an http:// or https:// URL such as http://prometheus:9090 (got '${args.prometheus}')`);
    if (args.testid === undefined || !/^[A-Za-z0-9_.:-]{1,128}$/.test(args.testid)) throw new UsageError('--prometheus needs --testid ID (letters, digits, _ . : -): the testid label the run pushed with');
    if (args.since !== undefined && !/^\d{1,6}[smhdwy]$/.test(args.since)) throw new UsageError(`--since must be a PromQL duration such as 6h or 7d (got '${args.since}')`);
  } else if (args.testid !== undefined || args.since !== undefined) {
    throw new UsageError('--testid and --since go with --prometheus URL');
  } else if (args.files.length === 0) {
    throw new UsageError('no input: give one or more k6 JSON outputs (k6 run --out json=FILE.json.gz), or --prometheus URL --testid ID');
  }
  return args;
}

/** Reads every file into one run. Files are instances of the run: their samples merge. */
export async function readRun(files: readonly string[]): Promise<RunData> {
  const data = new RunData();
  const sink = data.add.bind(data);
  for (const f of files) {
    await readK6Json(f, VERDICT_METRICS, sink);
    data.files.push(f);
  }
  return data;
}

export function runInfo(data: RunData, cfg: VerdictConfig, sources: readonly string[]): RunInfo {
  return { files: [...sources], samples: data.samples, firstMs: data.firstMs, lastMs: data.lastMs, windowMs: cfg.windowMs, stepMs: cfg.stepMs, chaos: cfg.chaos, notes: data.notes };
}

async function write(path: string, text: string, what: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (err) {
    throw new InputError(`${what} ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export interface VerdictRun {
  verdict: Verdict;
  data: RunData;
  info: RunInfo;
  cfg: VerdictConfig;
}

/** Evaluates and writes the requested outputs; the caller prints the text. */
export async function judge(args: ParsedArgs, env: Env): Promise<VerdictRun> {
  const cfg = verdictConfig(env, { windowMs: args.windowMs, stepMs: args.stepMs });
  let data: RunData;
  let sources: string[];
  if (args.prometheus !== undefined) {
    data = await readPrometheus(args.prometheus, args.testid!, cfg, { since: args.since });
    sources = data.files;
  } else {
    data = await readRun(args.files);
    sources = args.files;
  }
  const verdict = evaluate(data, cfg);
  const info = runInfo(data, cfg, sources);
  if (args.json) await write(args.json, renderJson(verdict), '--json');
  if (args.junit) await write(args.junit, renderJunit(verdict, info), '--junit');
  if (args.markdown) await write(args.markdown, renderMarkdown(verdict, info), '--markdown');
  if (args.report) await write(args.report, renderReport({ verdict, data, info, cfg }), '--report');
  return { verdict, data, info, cfg };
}

/** The whole command: never throws; returns the exit code. */
export async function main(argv: readonly string[], env: Env, io: Io): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseVerdictArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    const run = await judge(args, env);
    if (!args.quiet) io.stdout(renderText(run.verdict, run.info));
    return run.verdict.ok ? EXIT_OK : EXIT_SLO_FAILED;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`tenant-verdict: ${err.message}\n${err.message.includes('\n') ? '' : 'Run tenant-verdict --help for the options.\n'}`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr(`tenant-verdict: unreadable input: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`tenant-verdict: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}
