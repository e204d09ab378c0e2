/**
 * Metric samples crossing from a worker thread to the one registry of the run.
 *
 * A worker's VUs emit into a `SampleForwarder`: it validates metric definitions against a local
 * registry (so `new Trend('bad name')` throws in the VU as before) and packs every sample into
 * typed arrays — a metric id and a tag-set id per sample, its value and time — with each new
 * metric name, definition and tag set sent once. `SampleMerger` on the main thread unpacks a
 * batch into the real registry with `addValue`, in emission order, so sinks, sub-metrics,
 * thresholds, the summary and any output hook see exactly the samples a one-thread run sees.
 */
import type { MetricInfo, MetricRegistry, MetricType, Sample, Tags, ValueType } from '../contract';
import { internTags } from './tag-intern';
import { createMetricRegistry, type MetricsRegistry } from './registry';

export interface SampleBatch {
  /** Metric definitions made since the last batch, in order (`define` is idempotent). */
  defs: Array<[name: string, type: MetricType, contains: ValueType]>;
  /** New metric-name ids. */
  names: Array<[id: number, name: string]>;
  /** New tag-set ids. */
  tagSets: Array<[id: number, tags: Record<string, string>]>;
  /** Per sample: metric id, tag-set id. */
  ids: Int32Array;
  /** Per sample: value, time (Unix ms). */
  nums: Float64Array;
  count: number;
  /** The sender restarts its tag ids after this batch. */
  resetTags?: boolean;
}

const INITIAL_CAPACITY = 1024;

export class SampleForwarder implements MetricRegistry {
  private readonly local: MetricsRegistry = createMetricRegistry();
  private defs: SampleBatch['defs'] = [];
  private names: SampleBatch['names'] = [];
  private tagSets: SampleBatch['tagSets'] = [];
  private readonly nameIds = new Map<string, number>();
  private tagIds = new WeakMap<object, number>();
  private nextTagId = 1;
  private ids = new Int32Array(INITIAL_CAPACITY * 2);
  private nums = new Float64Array(INITIAL_CAPACITY * 2);
  private count = 0;

  /**
   * @param skip metric names this thread must not forward (the engine on the main thread emits
   *   them for the whole run, e.g. `vus` and `vus_max`).
   * @param onFull called when a batch reaches `maxSamples` (the owner should `take()` it).
   */
  constructor(
    private readonly skip: ReadonlySet<string> = new Set(),
    private readonly maxSamples = 8192,
    private readonly onFull: () => void = () => undefined,
  ) {}

  define(name: string, type: MetricType, contains: ValueType = 'default'): MetricInfo {
    const known = this.local.get(name);
    const info = this.local.define(name, type, contains);
    if (!known) this.defs.push([name, type, contains]);
    return info;
  }

  defineSubmetric(key: string): MetricInfo {
    return this.local.defineSubmetric(key);
  }

  get(name: string): MetricInfo | undefined {
    return this.local.get(name);
  }

  /** This thread keeps no values: the main thread's registry has them. */
  list(): MetricInfo[] {
    return this.local.list();
  }

  values(name: string, elapsedMs: number, trendStats?: readonly string[]): Record<string, number> {
    return this.local.values(name, elapsedMs, trendStats);
  }

  isEmpty(name: string): boolean {
    return this.local.isEmpty(name);
  }

  add(sample: Sample): void {
    this.addValue(sample.metric, sample.value, sample.tags, sample.time);
  }

  addMany(samples: readonly Sample[]): void {
    for (const s of samples) this.add(s);
  }

  addValue(metric: string, value: number, tags: Tags, time: number): void {
    if (value !== value || this.skip.has(metric)) return;
    let nameId = this.nameIds.get(metric);
    if (nameId === undefined) {
      if (!this.local.get(metric)) this.local.addValue(metric, value, tags, time); // throws ERR_UNKNOWN_METRIC as the registry would
      nameId = this.nameIds.size + 1;
      this.nameIds.set(metric, nameId);
      this.names.push([nameId, metric]);
    }
    let tagId = this.tagIds.get(tags);
    if (tagId === undefined) {
      tagId = this.nextTagId++;
      this.tagIds.set(tags, tagId);
      this.tagSets.push([tagId, { ...tags }]);
    }
    const i = this.count * 2;
    if (i >= this.ids.length) this.grow();
    this.ids[i] = nameId;
    this.ids[i + 1] = tagId;
    this.nums[i] = value;
    this.nums[i + 1] = time;
    this.count++;
    if (this.count >= this.maxSamples) this.onFull();
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const nums = new Float64Array(this.nums.length * 2);
    nums.set(this.nums);
    this.ids = ids;
    this.nums = nums;
  }

  /** Whether anything waits to be sent. */
  get pending(): boolean {
    return this.count > 0 || this.defs.length > 0;
  }

  /** The batch so far (its arrays may be transferred); the forwarder starts a new one. */
  take(): SampleBatch {
    const batch: SampleBatch = {
      defs: this.defs,
      names: this.names,
      tagSets: this.tagSets,
      ids: this.ids.slice(0, this.count * 2),
      nums: this.nums.slice(0, this.count * 2),
      count: this.count,
    };
    this.defs = [];
    this.names = [];
    this.tagSets = [];
    this.count = 0;
    // Tag ids are per forwarder and never reused, so the merger's table stays valid; bound it.
    if (this.nextTagId > 1_000_000) {
      this.tagIds = new WeakMap();
      this.nextTagId = 1;
      batch.resetTags = true;
    }
    return batch;
  }
}

/** Applies the batches of one sender to the run's registry. One merger per sender. */
export class SampleMerger {
  private readonly names = new Map<number, string>();
  private tags = new Map<number, Tags>();

  constructor(private readonly registry: MetricRegistry) {}

  apply(batch: SampleBatch): void {
    for (const [name, type, contains] of batch.defs) this.registry.define(name, type, contains);
    for (const [id, name] of batch.names) this.names.set(id, name);
    for (const [id, tags] of batch.tagSets) this.tags.set(id, internTags(tags));
    const { ids, nums, count } = batch;
    for (let s = 0; s < count; s++) {
      const i = s * 2;
      this.registry.addValue(this.names.get(ids[i]!)!, nums[i]!, this.tags.get(ids[i + 1]!)!, nums[i + 1]!);
    }
    if (batch.resetTags) this.tags = new Map();
  }
}
