/**
 * Streaming reader of k6's JSON output (`k6 run --out json=FILE`, k6 docs "JSON" output page;
 * k6 source output/json/wrapper.go, v0.4x+): one JSON object per line, either
 *   {"type":"Metric","data":{"name","type","contains","thresholds","submetrics"},"metric":NAME}
 * declaring a metric, or
 *   {"metric":NAME,"type":"Point","data":{"time":RFC3339,"value":N,"tags":{…}|null}}
 * for each sample (older k6 writes the keys in the order type, data, metric). A name ending in
 * `.gz` is gzip; here gzip is recognised by its magic bytes, whatever the name.
 *
 * Memory is bounded by the longest line: the file is read chunk by chunk and only lines of the
 * metrics the caller wants are parsed (the metric name is read from the line's first or last key
 * before JSON.parse, so the ~60 % of lines k6 writes for other metrics cost a string search).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface Sample {
  metric: string;
  /** Epoch milliseconds (sub-millisecond precision kept). */
  time: number;
  value: number;
  tags: Readonly<Record<string, string>>;
}

export interface ReadStats {
  lines: number;
  points: number;
  /** Points of the wanted metrics handed to the sink. */
  used: number;
  metricsDeclared: number;
}

/** Unreadable or malformed input: the CLI prints the message (no stack) and exits 2. */
export class InputError extends Error {
  override name = 'InputError';
}

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});
const HEAD = '{"metric":"';
const TAIL = '"metric":"';

/** The metric name of a line without parsing it, or undefined when neither end carries it. */
export function metricOfLine(line: string): string | undefined {
  if (line.startsWith(HEAD)) {
    const end = line.indexOf('"', HEAD.length);
    return end > 0 ? line.slice(HEAD.length, end) : undefined;
  }
  if (line.endsWith('"}')) {
    const at = line.lastIndexOf(TAIL);
    if (at > 0) return line.slice(at + TAIL.length, line.length - 2);
  }
  return undefined;
}

let cachedSecond = '';
let cachedSecondMs = 0;

/**
 * RFC 3339 with up to nanoseconds (`2017-05-09T14:34:45.625742514+02:00`, `…Z`) to epoch ms.
 * The whole-second part (with its zone) is parsed once per second of the run and cached.
 */
export function parseTime(text: string): number {
  let i = 19;
  let fracMs = 0;
  if (text.charCodeAt(19) === 46 /* . */) {
    i = 20;
    let scale = 100;
    while (i < text.length) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      fracMs += c * scale;
      scale /= 10;
      i++;
    }
  }
  const second = i === 19 ? text : text.slice(0, 19) + text.slice(i);
  if (second !== cachedSecond) {
    const ms = Date.parse(second);
    if (!Number.isFinite(ms) || text.length < 20) return NaN;
    cachedSecond = second;
    cachedSecondMs = ms;
  }
  return cachedSecondMs + fracMs;
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function describeFsError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES') return `${path}: permission denied`;
  if (code === 'EISDIR') return `${path}: is a directory, expected a k6 JSON output file (.json or .json.gz)`;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return `${path}: the gzip stream is corrupt or truncated (${(err as Error).message})`;
  return `${path}: ${(err as Error).message}`;
}

/**
 * Reads one k6 JSON output file and hands every Point of a wanted metric to `sink`.
 * Throws InputError naming the file (and line) when it cannot be read or is not k6 JSON.
 */
export async function readK6Json(path: string, wanted: ReadonlySet<string>, sink: (s: Sample) => void): Promise<ReadStats> {
  const stats: ReadStats = { lines: 0, points: 0, used: 0, metricsDeclared: 0 };
  let stream: Readable;
  try {
    const gz = await isGzip(path);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    stream = gz ? file.pipe(createGunzip({ chunkSize: 1 << 18 })) : file;
    if (gz) file.on('error', (e) => stream.destroy(e));
  } catch (err) {
    throw new InputError(describeFsError(path, err));
  }
  stream.setEncoding('utf8');

  const handle = (line: string): void => {
    stats.lines++;
    if (line.length === 0 || (line.length === 1 && line === '\r')) return;
    // Metric declarations start with their type in both key orders k6 has written.
    if (line.startsWith('{"type":"Metric"')) {
      stats.metricsDeclared++;
      return;
    }
    stats.points++;
    const name = metricOfLine(line);
    if (name !== undefined && !wanted.has(name)) return;
    let obj: { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown } };
    try {
      obj = JSON.parse(line);
    } catch {
      throw new InputError(`${path}:${stats.lines}: not a k6 JSON output line (invalid JSON: ${line.length > 80 ? `${line.slice(0, 77)}...` : line})`);
    }
    if (obj === null || typeof obj !== 'object' || typeof obj.metric !== 'string' || (obj.type !== 'Point' && obj.type !== 'Metric')) {
      throw new InputError(`${path}:${stats.lines}: not a k6 JSON output line (expected {"type":"Point"|"Metric","metric":…,"data":…})`);
    }
    if (obj.type !== 'Point') {
      stats.points--;
      stats.metricsDeclared++;
      return;
    }
    if (!wanted.has(obj.metric)) return;
    const d = obj.data;
    const time = typeof d?.time === 'string' ? parseTime(d.time) : NaN;
    if (!Number.isFinite(time) || typeof d?.value !== 'number') {
      throw new InputError(`${path}:${stats.lines}: a Point needs data.time (RFC 3339) and a numeric data.value`);
    }
    stats.used++;
    sink({ metric: obj.metric, time, value: d.value, tags: (d.tags as Record<string, string> | null) ?? NO_TAGS });
  };

  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      if (nl === -1) {
        carry += chunk;
        continue;
      }
      handle(carry + chunk.slice(0, nl));
      carry = '';
      start = nl + 1;
      while ((nl = chunk.indexOf('\n', start)) !== -1) {
        handle(chunk.slice(start, nl));
        start = nl + 1;
      }
      carry = chunk.slice(start);
      if (carry.length > 64 << 20) throw new InputError(`${path}: a line longer than 64 MiB: not a k6 JSON output`);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(describeFsError(path, err));
  }
  if (carry.length > 0) handle(carry);
  return stats;
}
