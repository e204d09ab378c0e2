/**
 * The bundle's custom metrics, declared once at module evaluation (k6 requires the init context,
 * docs/k6-semantics.md#metrics-api). Names live in lib/metric-names.ts.
 */
import { Counter, Rate } from 'k6/metrics';
import { METRIC } from './metric-names';

export const tokenRefreshFailures = new Counter(METRIC.tokenRefreshFailures);
export const tokenRefreshes = new Counter(METRIC.tokenRefreshes);
export const setupFailures = new Counter(METRIC.setupFailures);
export const requestsWithoutToken = new Counter(METRIC.requestsWithoutToken);
export const failClosed = new Counter(METRIC.failClosed);
export const serverErrors = new Rate(METRIC.serverErrors);
export const rateLimited = new Counter(METRIC.rateLimited);
export const faultWitness = new Counter(METRIC.faultWitness);
export const keyRotations = new Counter(METRIC.keyRotations);
export const newKidRejected = new Counter(METRIC.newKidRejected);
export const newKidAccepted = new Counter(METRIC.newKidAccepted);
export const authDegradedEvents = new Counter(METRIC.authDegradedEvents);
export const alertsFired = new Counter(METRIC.alertsFired);
