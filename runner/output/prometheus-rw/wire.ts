/**
 * Prometheus remote write 1.0 on the wire: a `prometheus.WriteRequest` protobuf (prompb
 * types.proto / remote.proto: TimeSeries{labels=1, samples=2, histograms=4}, Sample{value=1,
 * timestamp=2}, Histogram fields 1-15), snappy block-compressed, POSTed with
 * `Content-Encoding: snappy`, `Content-Type: application/x-protobuf` and
 * `X-Prometheus-Remote-Write-Version: 0.1.0`.
 */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

export interface WireLabel {
  name: string;
  value: string;
}
export interface WireHistogram {
  countInt: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt: number;
  positiveSpans: Array<{ offset: number; length: number }>;
  positiveDeltas: number[];
  negativeSpans: Array<{ offset: number; length: number }>;
  negativeDeltas: number[];
  timestamp: number;
}
export interface WireSeries {
  labels: WireLabel[];
  samples?: Array<{ value: number; timestamp: number }>;
  histograms?: WireHistogram[];
}

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            histograms: { rule: 'repeated', type: 'Histogram', id: 4 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        BucketSpan: { fields: { offset: { type: 'sint32', id: 1 }, length: { type: 'uint32', id: 2 } } },
        Histogram: {
          oneofs: { count: { oneof: ['countInt', 'countFloat'] }, zeroCount: { oneof: ['zeroCountInt', 'zeroCountFloat'] } },
          fields: {
            countInt: { type: 'uint64', id: 1 },
            countFloat: { type: 'double', id: 2 },
            sum: { type: 'double', id: 3 },
            schema: { type: 'sint32', id: 4 },
            zeroThreshold: { type: 'double', id: 5 },
            zeroCountInt: { type: 'uint64', id: 6 },
            zeroCountFloat: { type: 'double', id: 7 },
            negativeSpans: { rule: 'repeated', type: 'BucketSpan', id: 8 },
            negativeDeltas: { rule: 'repeated', type: 'sint64', id: 9 },
            positiveSpans: { rule: 'repeated', type: 'BucketSpan', id: 11 },
            positiveDeltas: { rule: 'repeated', type: 'sint64', id: 12 },
            timestamp: { type: 'int64', id: 15 },
          },
        },
      },
    },
  },
});

export const WriteRequest = root.lookupType('prometheus.WriteRequest');
const Histogram = root.lookupType('prometheus.Histogram');

/** The snappy-compressed protobuf body of one push, from plain objects (tests; the output uses `encodePush`). */
export function encodeWriteRequest(series: readonly WireSeries[]): Uint8Array {
  const bytes = WriteRequest.encode({ timeseries: series }).finish();
  return snappy.compress(bytes) as Uint8Array;
}

/**
 * A series' labels as TimeSeries field 1 (repeated Label), encoded once: a series' labels never
 * change, and encoding them on every push cost ~25 µs per series (3,840 series took 100 ms).
 */
export function encodeLabels(labels: readonly WireLabel[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const l of labels) w.uint32(10).fork().uint32(10).string(l.name).uint32(18).string(l.value).ldelim();
  return w.finish();
}

/** One series of a push: its pre-encoded labels and one float sample or one native histogram. */
export interface PushSeries {
  labels: Uint8Array;
  value: number;
  timestamp: number;
  histogram?: WireHistogram;
  /** A stale marker instead of `value` (Prometheus' StaleNaN). */
  stale?: boolean;
}

/** Prometheus' stale marker, the NaN 0x7ff0000000000002, as a little-endian double: written as raw bytes so no NaN canonicalisation can change it. */
const STALE_NAN = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);

/** The snappy-compressed WriteRequest of one push. */
export function encodePush(series: readonly PushSeries[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const s of series) {
    w.uint32(10).fork().raw(s.labels);
    if (s.stale === true) {
      w.uint32(18).fork().uint32(9).raw(STALE_NAN).uint32(16).int64(s.timestamp).ldelim();
    } else if (s.histogram !== undefined) {
      w.uint32(34);
      Histogram.encodeDelimited(s.histogram, w);
    } else {
      w.uint32(18).fork().uint32(9).double(s.value).uint32(16).int64(s.timestamp).ldelim();
    }
    w.ldelim();
  }
  return snappy.compress(w.finish()) as Uint8Array;
}

/** The inverse, for tests and the fake receiver. */
export function decodeWriteRequest(body: Uint8Array): { timeseries: WireSeries[] } {
  const raw = snappy.uncompress(body) as Uint8Array;
  return WriteRequest.toObject(WriteRequest.decode(raw), { longs: Number, defaults: false, arrays: true }) as { timeseries: WireSeries[] };
}

export const REMOTE_WRITE_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;
