/**
 * dist/tenant-smoke.js: pre-flight check, 1 VU calling every endpoint once per tenant.
 *   k6 run dist/tenant-smoke.js
 */
import { createSmokeScenario } from '../lib/tenant-smoke-scenario';

const scenario = createSmokeScenario();

export const options = scenario.options;
export const setup = scenario.setup;
export const tenantSmoke = scenario.tenantSmoke;
export const handleSummary = scenario.handleSummary;
