/**
 * `--out experimental-prometheus-rw`: k6's Prometheus remote-write output (k6
 * `internal/output/prometheusrw/remotewrite/remotewrite.go`, `prometheus.go`, `trend.go`, v1.x).
 *
 * One series per metric and tag set, aggregated since the start of the run and pushed every
 * PUSH_INTERVAL when it got a newer sample, stamped with its latest sample's time (ms):
 *   counter → `k6_<name>_total` (the sum), gauge → `k6_<name>` (the last value),
 *   rate → `k6_<name>_rate` (non-zero share), trend → `k6_<name>_<stat>` per TREND_STATS
 *   (`p(99)` → `p99`; time metrics in seconds), or with TREND_AS_NATIVE_HISTOGRAM one native
 *   histogram `k6_<name>_seconds` / `_bytes` / `k6_<name>` (schema 3).
 * Labels are the sample's tags with non-empty keys and values, plus `__name__`, sorted by name.
 * A failed push is logged and the series are sent again at the next interval.
 */
import { Agent, request } from 'undici';
import type { MetricInfo, Tags } from '../../contract';
import { CounterSink, GaugeSink, RateSink } from '../../metrics/simple-sinks';
import { TrendSink } from '../../metrics/trend-sink';
import { trendStatResolver } from '../../metrics/trend-stats';
import { createSink } from '../../metrics/sink';
import { tagKeyPart } from '../../metrics/tag-intern';
import { OutputConfigError } from '../out-specs';
import type { Output, OutputParams } from '../types';
import { PUSH_TIMEOUT_MS, readRemoteWriteConfig, safeUrl, statSuffix, type RemoteWriteConfig } from './config';
import { NativeHistogram } from './native-histogram';
import { encodeLabels, encodePush, REMOTE_WRITE_HEADERS, type PushSeries, type WireLabel } from './wire';

const PREFIX = 'k6_';
/** Raw values a per-series trend keeps before its histogram takes over (bounded memory). */
const SERIES_TREND_RAW_CAP = 2_000;
/** A bound on distinct series (metric × tag set); beyond it new series are counted, not sent. */
export const MAX_SERIES = 100_000;

type SeriesSink = CounterSink | GaugeSink | RateSink | TrendSink | NativeHistogram;

interface Series {
  readonly metric: MetricInfo;
  /** The tags as labels, sorted, without `__name__`. */
  readonly labels: WireLabel[];
  readonly sink: SeriesSink;
  latest: number;
  dirty: boolean;
  /** Encoded labels (with `__name__`) of each series this one maps to, made at its first push. */
  encoded?: Uint8Array[];
}

function labelsOf(tags: Tags): WireLabel[] {
  const labels: WireLabel[] = [];
  for (const k in tags) {
    const v = tags[k]!;
    if (k !== '' && v !== '') labels.push({ name: k, value: v });
  }
  return labels;
}

function withName(labels: readonly WireLabel[], name: string): WireLabel[] {
  const all = [...labels, { name: '__name__', value: name }];
  all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return all;
}

function unitSuffix(contains: MetricInfo['contains']): string {
  return contains === 'time' ? '_seconds' : contains === 'data' ? '_bytes' : '';
}

/** k6's adaptUnit: time values in seconds (applied to every trend stat, `count` included, as k6 does). */
function adapt(contains: MetricInfo['contains'], v: number): number {
  return contains === 'time' ? v / 1000 : v;
}

export class RemoteWriteOutput implements Output {
  readonly description: string;
  readonly config: RemoteWriteConfig;
  private readonly params: OutputParams;
  private readonly series = new Map<string, Series>();
  /** Frozen (interned) tag sets → their series by metric name, skipping the key build. */
  private readonly byTags = new WeakMap<object, Map<string, Series>>();
  private dirty: Series[] = [];
  private lastTags: Tags | undefined;
  private lastByName: Map<string, Series> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly dispatcher: Agent;
  private readonly stats: Array<{ suffix: string; value: (s: TrendSink) => number }>;
  readonly counts = { pushes: 0, failedPushes: 0, seriesDropped: 0 };

  constructor(params: OutputParams) {
    this.params = params;
    try {
      this.config = readRemoteWriteConfig(params.env);
    } catch (err) {
      throw new OutputConfigError(`could not create the 'experimental-prometheus-rw' output: ${(err as Error).message}`);
    }
    this.description = `Prometheus remote write (${safeUrl(this.config.serverUrl)})`;
    this.stats = this.config.trendStats.map((stat) => ({
      suffix: statSuffix(stat),
      value: stat === 'sum' ? (s: TrendSink) => s.sum : trendStatResolver(stat)!,
    }));
    this.dispatcher = new Agent({ connect: { rejectUnauthorized: !this.config.insecureSkipTLSVerify }, keepAliveTimeout: 10_000 });
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      if (this.inFlight === undefined) this.inFlight = this.flush().finally(() => (this.inFlight = undefined));
    }, this.config.pushIntervalMs);
    this.timer.unref();
  }

  readonly addSample = (metric: MetricInfo, value: number, tags: Tags, time: number): void => {
    let byName: Map<string, Series> | undefined;
    let frozen = false;
    let s: Series | undefined;
    // The ~13 samples of one HTTP request share one (frozen) tag object.
    if (tags === this.lastTags) {
      byName = this.lastByName;
      frozen = byName !== undefined;
      s = byName?.get(metric.name);
    } else {
      frozen = Object.isFrozen(tags);
      if (frozen) byName = this.byTags.get(tags);
      if (frozen && byName === undefined) this.byTags.set(tags, (byName = new Map()));
      this.lastTags = tags;
      this.lastByName = byName;
      s = byName?.get(metric.name);
    }
    if (s === undefined) {
      let key = `${metric.name}\u0002`;
      for (const k in tags) key += tagKeyPart(k, tags[k]!);
      s = this.series.get(key);
      if (s === undefined) {
        if (this.series.size >= MAX_SERIES) {
          this.counts.seriesDropped++;
          return;
        }
        s = { metric, labels: labelsOf(tags), sink: this.newSink(metric), latest: -1, dirty: false };
        this.series.set(key, s);
      }
      if (frozen) byName!.set(metric.name, s);
    }
    if (s.sink instanceof NativeHistogram) s.sink.observe(adapt(metric.contains, value));
    else s.sink.add(value);
    const t = Math.floor(time);
    if (t > s.latest) {
      s.latest = t;
      if (!s.dirty) {
        s.dirty = true;
        this.dirty.push(s);
      }
    }
  };

  private newSink(metric: MetricInfo): SeriesSink {
    if (metric.type === 'trend' && this.config.trendAsNativeHistogram) return new NativeHistogram();
    return createSink(metric.type, { rawCap: SERIES_TREND_RAW_CAP });
  }


  /** The names this series is pushed under (one per trend stat in the stats mode). */
  private namesOf(s: Series): string[] {
    const name = PREFIX + s.metric.name;
    const sink = s.sink;
    if (sink instanceof CounterSink) return [`${name}_total`];
    if (sink instanceof GaugeSink) return [name];
    if (sink instanceof RateSink) return [`${name}_rate`];
    if (sink instanceof NativeHistogram) return [name + unitSuffix(s.metric.contains)];
    return this.stats.map((stat) => `${name}_${stat.suffix}`);
  }

  /** Everything updated since the last push (marked clean), ready to encode. */
  takeDirty(): PushSeries[] {
    const out: PushSeries[] = [];
    for (const s of this.dirty) {
      s.dirty = false;
      const encoded = (s.encoded ??= this.namesOf(s).map((n) => encodeLabels(withName(s.labels, n))));
      const ts = s.latest;
      const sink = s.sink;
      if (sink instanceof CounterSink) out.push({ labels: encoded[0]!, value: sink.count, timestamp: ts });
      else if (sink instanceof GaugeSink) out.push({ labels: encoded[0]!, value: sink.value, timestamp: ts });
      else if (sink instanceof RateSink) out.push({ labels: encoded[0]!, value: sink.total === 0 ? 0 : sink.trues / sink.total, timestamp: ts });
      else if (sink instanceof NativeHistogram) out.push({ labels: encoded[0]!, value: 0, timestamp: ts, histogram: sink.toWire(ts) });
      else for (let i = 0; i < this.stats.length; i++) out.push({ labels: encoded[i]!, value: adapt(s.metric.contains, this.stats[i]!.value(sink)), timestamp: ts });
    }
    this.dirty = [];
    return out;
  }

  private async flush(): Promise<void> {
    const series = this.takeDirty();
    if (series.length === 0) return;
    await this.push(series);
  }

  private async push(series: readonly PushSeries[]): Promise<void> {
    const body = encodePush(series);
    try {
      const res = await request(this.config.serverUrl, {
        method: 'POST',
        body,
        headers: { ...REMOTE_WRITE_HEADERS, 'User-Agent': 'k6-offline-prometheus-rw', ...this.config.headers },
        dispatcher: this.dispatcher,
        headersTimeout: PUSH_TIMEOUT_MS,
        bodyTimeout: PUSH_TIMEOUT_MS,
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`server returned HTTP status ${res.statusCode}: ${text.slice(0, 256).trim()}`);
      this.counts.pushes++;
    } catch (err) {
      this.counts.failedPushes++;
      // As in k6 the output goes on; the same series are sent again once they get newer samples.
      this.params.logger.log('error', `Failed to send the time series data to the endpoint ${safeUrl(this.config.serverUrl)}: ${(err as Error).message}`, { output: 'Prometheus remote write' });
    }
  }

  /** Every series marked stale one millisecond from now (k6's staleMarkers, for STALE_MARKERS=true). */
  staleMarkers(now = Date.now()): PushSeries[] {
    const out: PushSeries[] = [];
    for (const s of this.series.values()) {
      const encoded = (s.encoded ??= this.namesOf(s).map((n) => encodeLabels(withName(s.labels, n))));
      for (const labels of encoded) out.push({ labels, value: 0, timestamp: Math.floor(now) + 1, stale: true });
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.flush();
    // As k6: the end of the run ends the series at once instead of after Prometheus' 5 min lookback.
    if (this.config.staleMarkers && this.series.size > 0) await this.push(this.staleMarkers());
    await this.dispatcher.close().catch(() => undefined);
    if (this.counts.seriesDropped > 0) {
      this.params.logger.log('warn', `Prometheus remote write: ${this.counts.seriesDropped} samples of new series were not sent: more than ${MAX_SERIES} series (metric × tag set)`);
    }
  }
}
