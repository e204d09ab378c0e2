/**
 * dist/tenant-load-agent.js: the tenant load with the JWKS outage driven through the fault
 * agent's HTTP control API. Runs on stock k6 v2, Grafana Cloud k6 and VMs.
 *   k6 run dist/tenant-load-agent.js
 */
import { faultAgentInjector } from '../disruptor/fault-agent-backend';
import { createLoadScenario } from '../lib/tenant-load-scenario';

const scenario = createLoadScenario({
  bundle: 'tenant-load-agent',
  backend: 'fault-agent',
  injector: (cfg) => faultAgentInjector({ url: cfg.faultAgent.url, token: cfg.faultAgent.token, requestTimeoutMs: cfg.requestTimeoutMs }),
});

export const options = scenario.options;
export const setup = scenario.setup;
export const tenantLoad = scenario.tenantLoad;
export const noisyLoad = scenario.noisyLoad;
export const jwksChaos = scenario.jwksChaos;
export const jwksRotate = scenario.jwksRotate;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
