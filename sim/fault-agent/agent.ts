/**
 * A fault agent: proxy listener + control listener over one FaultController. Used standalone by
 * the `fault-agent` CLI and embedded by the platform in front of its Authority.
 */
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { closeServer, listen, urlOf } from '../http/harden';
import { silentLogger, type Logger } from '../logger';
import { createControlServer } from './control-api';
import { FaultController } from './fault-controller';
import { createProxyServer } from './proxy';

export interface FaultAgentOptions {
  upstream: string;
  host?: string;
  proxyPort?: number;
  controlPort?: number;
  adminToken: string;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** Requests a fault may hold at once (default MAX_HELD_REQUESTS). */
  maxHeldRequests?: number;
}

export interface FaultAgent {
  proxy: string;
  control: string;
  controller: FaultController;
  close(): Promise<void>;
}

export async function startFaultAgent(o: FaultAgentOptions): Promise<FaultAgent> {
  const clock = o.clock ?? systemClock;
  const host = o.host ?? '127.0.0.1';
  const controller = new FaultController(clock, o.maxHeldRequests);
  const proxyServer = createProxyServer({ upstream: new URL(o.upstream), controller, clock, ...(o.random ? { random: o.random } : {}) });
  const controlServer = createControlServer({ controller, adminToken: o.adminToken, logger: o.logger ?? silentLogger });
  const proxyPort = await listen(proxyServer, o.proxyPort ?? 0, host);
  let controlPort: number;
  try {
    controlPort = await listen(controlServer, o.controlPort ?? 0, host);
  } catch (err) {
    await closeServer(proxyServer);
    throw err;
  }
  return {
    proxy: urlOf(host, proxyPort),
    control: urlOf(host, controlPort),
    controller,
    async close() {
      controller.end();
      await Promise.all([closeServer(proxyServer), closeServer(controlServer)]);
    },
  };
}
