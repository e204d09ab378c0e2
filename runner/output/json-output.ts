/**
 * `--out json[=FILE]`: k6's newline-delimited JSON (k6 `internal/output/json/json.go`,
 * `wrapper.go`, v1.x/v2.x). Before a metric's first sample, one declaration:
 *   {"type":"Metric","data":{"name":N,"type":T,"contains":C,"thresholds":[...],"submetrics":[...]|null},"metric":N}
 * then one line per sample:
 *   {"metric":N,"type":"Point","data":{"time":RFC3339,"value":V,"tags":{...}}}
 * Field order, threshold items (a string, or `{threshold, abortOnFail, delayAbortEval}` when
 * abortOnFail is set) and sub-metric entries (`{name, suffix, tags}`) are k6's. A FILE ending in
 * `.gz` is gzip-compressed; no FILE or `-` writes to stdout.
 *
 * Memory is bounded: lines are batched into chunks of BATCH_CHARS (and flushed every 200 ms, as
 * k6 does), written to a stream whose pending bytes are checked at every chunk; compression runs
 * on libuv's thread pool, not on the event loop. When disk or compression fall more than
 * MAX_PENDING_BYTES behind, whole chunks are dropped and counted, and the count is logged at the
 * end (k6 buffers without bound instead; runner/DIFFERENCES.md).
 */
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';
import type { MetricInfo, Tags } from '../contract';
import { goDurationString } from '../../contracts/duration';
import type { ThresholdConfig } from '../thresholds/threshold-config';
import { OutputConfigError } from './out-specs';
import type { Output, OutputParams } from './types';

const FLUSH_PERIOD_MS = 200;
export const BATCH_CHARS = 256 * 1024;
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** Go's time.Time JSON form in UTC (RFC 3339 with trailing fractional zeros trimmed). */
export function goTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-07T02:40:59.120Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac === '' ? '' : `.${frac}`}Z`;
}

/**
 * A time value (ms) at k6's precision — its durations are whole nanoseconds (Go time.Duration) —
 * written from integers: V8's shortest round-trip formatting of an arbitrary double (a
 * performance.now() difference such as 3.796088999999995) cost more than the rest of the line.
 */
export function msWithNanos(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (!Number.isSafeInteger(ns)) return String(ms);
  const sign = ns < 0 ? '-' : '';
  const abs = ns < 0 ? -ns : ns;
  const whole = Math.floor(abs / 1e6);
  let frac = abs - whole * 1e6;
  if (frac === 0) return `${sign}${whole}`;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const text = String(frac);
  return `${sign}${whole}.${text.length < digits ? '0'.repeat(digits - text.length) + text : text}`;
}

/** k6 `metrics.Thresholds.MarshalJSON`: a source string, or the object form when abortOnFail. */
export function thresholdsJson(configs: readonly ThresholdConfig[] | undefined): unknown[] {
  return (configs ?? []).map((c) =>
    c.abortOnFail ? { threshold: c.source, abortOnFail: true, delayAbortEval: c.delayAbortEvalMs === undefined ? null : /* k6 types.Duration JSON */ goDurationString(c.delayAbortEvalMs) } : c.source,
  );
}

export function metricDeclaration(metric: MetricInfo, params: Pick<OutputParams, 'thresholds' | 'submetricsOf'>): string {
  const subs = params.submetricsOf(metric.name);
  const data = {
    name: metric.name,
    type: metric.type,
    contains: metric.contains,
    thresholds: thresholdsJson(params.thresholds.get(metric.name)),
    submetrics: subs.length === 0 ? null : subs.map((s) => ({ name: s.name, suffix: s.name.slice(metric.name.length + 1, -1), tags: s.selector ?? {} })),
  };
  return `{"type":"Metric","data":${JSON.stringify(data)},"metric":${JSON.stringify(metric.name)}}\n`;
}

interface Sink {
  write(chunk: string): void;
  pending(): number;
  close(): Promise<void>;
  error(): Error | undefined;
}

function fileSink(path: string): Sink {
  const fd = openSync(path, 'w');
  let failure: Error | undefined;
  let file: WriteStream;
  try {
    file = createWriteStream('', { fd, highWaterMark: 1 << 20 });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  file.on('error', (e) => (failure ??= e));
  // Level 1: the output must keep up with 5k requests/s on a shared core; k6's files are ~25 % smaller.
  const gzip: Gzip | undefined = path.endsWith('.gz') ? createGzip({ level: zlibConstants.Z_BEST_SPEED, chunkSize: 1 << 16 }) : undefined;
  if (gzip) {
    gzip.on('error', (e) => (failure ??= e));
    gzip.pipe(file);
  }
  const head = gzip ?? file;
  return {
    write: (chunk) => void head.write(chunk),
    pending: () => head.writableLength + (gzip ? file.writableLength : 0),
    error: () => failure,
    close: () =>
      new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        if (failure) file.destroy();
        else head.end();
      }),
  };
}

function stdoutSink(write: (text: string) => void): Sink {
  return { write, pending: () => 0, close: async () => undefined, error: () => undefined };
}

export class JsonOutput implements Output {
  readonly description: string;
  private readonly params: OutputParams;
  private readonly path: string | undefined;
  private sink: Sink | undefined;
  private readonly prefixes = new Map<string, string>();
  private readonly tagJson = new WeakMap<object, string>();
  private declaredInBatch: string[] = [];
  private buf = '';
  private linesInBuf = 0;
  private lastTags: Tags | undefined;
  private lastTagText = '';
  private lastTime = Number.NaN;
  private lastTimeText = '';
  private timer: NodeJS.Timeout | undefined;
  /** Points written / dropped (over the pending bound or after a write error) / not finite. */
  readonly counts = { points: 0, dropped: 0, skipped: 0 };

  private readonly maxPendingBytes: number;

  /** `maxPendingBytes`: the bound on bytes handed to the stream and not yet written (tests lower it). */
  constructor(params: OutputParams, maxPendingBytes = MAX_PENDING_BYTES) {
    this.params = params;
    this.maxPendingBytes = maxPendingBytes;
    const arg = params.arg;
    this.path = arg === '' || arg === '-' ? undefined : resolvePath(params.cwd, arg);
    this.description = this.path === undefined ? 'json(stdout)' : `json (${arg})`;
  }

  async start(): Promise<void> {
    try {
      this.sink = this.path === undefined ? stdoutSink(this.params.stdout) : fileSink(this.path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new OutputConfigError(`could not create the 'json' output: open ${this.params.arg}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
    }
    this.timer = setInterval(() => this.flush(), FLUSH_PERIOD_MS);
    this.timer.unref();
  }

  readonly addSample = (metric: MetricInfo, value: number, tags: Tags, time: number): void => {
    // Go's encoder refuses ±Inf (k6 logs and skips such a sample); NaN never reaches outputs.
    if (value === Infinity || value === -Infinity) {
      this.counts.skipped++;
      return;
    }
    let prefix = this.prefixes.get(metric.name);
    if (prefix === undefined) {
      this.buf += metricDeclaration(metric, this.params);
      this.declaredInBatch.push(metric.name);
      prefix = `{"metric":${JSON.stringify(metric.name)},"type":"Point","data":{"time":"`;
      this.prefixes.set(metric.name, prefix);
    }
    // The ~13 samples of one HTTP request share one tag object, and interned (frozen) tag sets are
    // shared by many requests: serialise each tag object once.
    let tagText: string | undefined;
    if (tags === this.lastTags) tagText = this.lastTagText;
    else {
      const frozen = Object.isFrozen(tags);
      if (frozen) tagText = this.tagJson.get(tags);
      if (tagText === undefined) {
        tagText = JSON.stringify(tags);
        if (frozen) this.tagJson.set(tags, tagText);
      }
      this.lastTags = tags;
      this.lastTagText = tagText;
    }
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeText = goTime(time);
    }
    this.buf += `${prefix}${this.lastTimeText}","value":${metric.contains === 'time' ? msWithNanos(value) : value},"tags":${tagText}}}\n`;
    this.linesInBuf++;
    if (this.buf.length >= BATCH_CHARS) this.flush();
  };

  private flush(): void {
    if (this.buf === '' || this.sink === undefined) return;
    const sink = this.sink;
    if (sink.error() !== undefined || sink.pending() > this.maxPendingBytes) {
      this.counts.dropped += this.linesInBuf;
      // Declarations dropped with this chunk are written again before the metric's next point.
      for (const name of this.declaredInBatch) this.prefixes.delete(name);
    } else {
      sink.write(this.buf);
      this.counts.points += this.linesInBuf;
    }
    this.buf = '';
    this.linesInBuf = 0;
    this.declaredInBatch = [];
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sink === undefined) return;
    this.flush();
    await this.sink.close();
    const err = this.sink.error();
    this.sink = undefined;
    if (err) this.params.logger.log('error', `json output: writing ${this.params.arg} failed: ${err.message}`);
    if (this.counts.dropped > 0) {
      this.params.logger.log('warn', `json output: ${this.counts.dropped} samples were not written: the file fell more than ${Math.round(this.maxPendingBytes / 2 ** 20)} MiB behind the run`);
    }
    if (this.counts.skipped > 0) this.params.logger.log('warn', `json output: ${this.counts.skipped} samples with an infinite value were skipped (JSON has no Infinity)`);
  }
}
