/**
 * Stage 3 of the threshold pipeline: is the aggregation defined for the metric's type?
 * (reference/k6-facts.md §5.1; k6 `metrics/metric_type.go` supportedAggregationMethods):
 * counter — count, rate; gauge — value; rate — rate; trend — avg, min, med, max, p(N).
 */

import type { MetricType } from '../contract';
import { THRESHOLD_AGGREGATIONS } from '../constants';
import type { Aggregation } from './threshold-expression';

export function supportsAggregation(type: MetricType, aggregation: Aggregation): boolean {
  const allowed = THRESHOLD_AGGREGATIONS[type];
  return aggregation === 'p' ? allowed.includes('p(N)') : allowed.includes(aggregation);
}

export function aggregationError(type: MetricType, aggregation: Aggregation): string {
  const shown = aggregation === 'p' ? 'p(N)' : aggregation;
  return `unsupported aggregation method ${shown} on metric of type ${type}; supported aggregation methods for this metric are: ${THRESHOLD_AGGREGATIONS[type].join(', ')}`;
}
