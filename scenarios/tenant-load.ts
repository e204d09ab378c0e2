/**
 * dist/tenant-load.js: the tenant load with the JWKS outage injected by xk6-disruptor
 * (ServiceDisruptor on CHAOS_NAMESPACE/CHAOS_SERVICE). Needs a k6 v1.x binary with the extension
 * (e.g. ghcr.io/grafana/xk6-disruptor:v0.3.17) and cluster credentials in every VU's init.
 *   k6 run dist/tenant-load.js
 */
import { noFaultInjector } from '../disruptor/no-fault-backend';
import { xk6DisruptorInjector } from '../disruptor/xk6-disruptor-backend';
import { createLoadScenario } from '../lib/tenant-load-scenario';

const scenario = createLoadScenario({
  bundle: 'tenant-load',
  backend: 'xk6-disruptor',
  injector: (cfg) => (cfg.chaos.enabled ? xk6DisruptorInjector({ service: cfg.chaos.service, namespace: cfg.chaos.namespace }) : noFaultInjector()),
});

export const options = scenario.options;
export const setup = scenario.setup;
export const tenantLoad = scenario.tenantLoad;
export const noisyLoad = scenario.noisyLoad;
export const jwksChaos = scenario.jwksChaos;
export const jwksRotate = scenario.jwksRotate;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
