/**
 * Defines k6's built-in metrics in a registry (docs/k6-semantics.md#builtin-metrics), and the
 * `http_req_duration{expected_response:true}` sub-metric k6 registers whenever the
 * `expected_response` system tag is enabled (k6 `internal/metrics/engine/engine.go`), so it shows
 * in the summary as soon as a matching sample arrives. Call once, before the script's init.
 */

import type { MetricRegistry } from '../contract';
import { BUILTIN_METRICS, DEFAULT_SYSTEM_TAGS, EXPECTED_RESPONSE_SUBMETRIC, TAG_EXPECTED_RESPONSE } from '../constants';

export function defineBuiltinMetrics(registry: MetricRegistry, systemTags: readonly string[] = DEFAULT_SYSTEM_TAGS): void {
  for (const m of BUILTIN_METRICS) registry.define(m.name, m.type, m.contains);
  if (systemTags.includes(TAG_EXPECTED_RESPONSE)) registry.defineSubmetric(EXPECTED_RESPONSE_SUBMETRIC);
}
