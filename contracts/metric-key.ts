/**
 * The one parser of metric keys `name` and `name{tag:value,...}` (threshold keys and sub-metric
 * definitions), with k6's rules (docs/k6-semantics.md#threshold-grammar; k6 `metrics/metric.go`
 * ParseMetricName + AddSubmetric, `internal/metrics/engine/engine.go`):
 *
 *   key       -> name | name "{" selector "}"        the first "{" starts the selector and
 *                                                    the key must end with "}"
 *   selector  -> part ("," part)*                    split on every "," (values cannot hold ",")
 *   part      -> tagKey ":" tagValue                 split at the FIRST ":" (values may hold ":",
 *                                                    e.g. URLs); the raw value must not be empty
 *   tagKey / tagValue are trimmed of spaces, then of surrounding `"` and `'` characters.
 *
 * The sub-metric's name is `name{` + the selector with outer spaces trimmed + `}`, as k6 names it;
 * two keys with the same tag set are the same sub-metric. A duplicate tag key keeps the last value.
 */

export interface ParsedMetricKey {
  /** The parent metric's name (the whole key when there is no selector). */
  parent: string;
  /** The canonical sub-metric name, or undefined for a plain metric name. */
  submetric?: string;
  /** The selector's tags in written order (last value wins for a repeated key). */
  tags?: Record<string, string>;
}

export type MetricKeyResult = { ok: true; key: ParsedMetricKey } | { ok: false; error: string };

const trimQuotes = (s: string): string => s.trim().replace(/^["']+|["']+$/g, '');

export function parseMetricKey(key: string): MetricKeyResult {
  const open = key.indexOf('{');
  if (open === -1) {
    if (key.includes('}')) return { ok: false, error: `metric key '${key}' has a '}' without an opening '{'` };
    return { ok: true, key: { parent: key } };
  }
  const parent = key.slice(0, open);
  if (!key.endsWith('}')) {
    return { ok: false, error: `metric key '${key}' must end with '}': the sub-metric format is 'metric{key:value}'` };
  }
  const inner = key.slice(open + 1, -1);
  const tags: Record<string, string> = {};
  for (const part of inner.split(',')) {
    const colon = part.indexOf(':');
    if (colon === -1 || colon === part.length - 1) {
      return {
        ok: false,
        error: `metric key '${key}': tag expression '${part}' is malformed (expected 'key:value', several separated by ',')`,
      };
    }
    tags[trimQuotes(part.slice(0, colon))] = trimQuotes(part.slice(colon + 1));
  }
  return { ok: true, key: { parent, submetric: `${parent}{${inner.trim()}}`, tags } };
}

/** A stable identity for a tag set, independent of order and spelling (quotes, spaces). */
export function tagSetIdentity(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]]));
}
