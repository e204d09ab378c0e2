/**
 * `k6/x/disruptor` mapped onto a fault agent (docs/k6-semantics.md#disruptor-api, docs/platform-api.md "Fault agent
 * control API"): a fake agent on loopback records what the runner sends and answers with a
 * configurable request count.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './run-cli';

interface Received {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

let server: Server;
let agentUrl = '';
let requestsSeen = 0;
const received: Received[] = [];

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  await buildCli('disruptor');
  server = createServer((req, res) => {
    void body(req).then((b) => {
      received.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: b });
      res.setHeader('content-type', 'application/json');
      const record = { id: 'f1', fault: {}, duration: '1s', startedAt: new Date().toISOString(), endsAt: new Date().toISOString(), endedAt: new Date().toISOString(), requests: requestsSeen, faulted: 0 };
      if (req.method === 'POST' && req.url === '/v1/faults/http') {
        res.statusCode = 201;
        res.end(JSON.stringify({ ...record, endedAt: null }));
      } else if (req.method === 'GET' && req.url === '/v1/faults/f1') {
        res.end(JSON.stringify(record));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: 'not_found', message: 'no such route' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  agentUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('k6/x/disruptor through the fault agent (docs/k6-semantics.md#disruptor-api)', () => {
  it('injectHTTPFaults posts the validated fault with the token and resolves after the duration', async () => {
    requestsSeen = 42;
    received.length = 0;
    const r = await runCli('disruptor-inject.js', [], { K6_OFFLINE_FAULT_AGENT_URL: agentUrl, K6_OFFLINE_FAULT_AGENT_TOKEN: 'secret-admin-token' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('INJECT RESULT error=[]');
    expect(r.exported!.metrics.checks).toMatchObject({ passes: 1, fails: 0 });
    const post = received.find((x) => x.method === 'POST')!;
    expect(post).toMatchObject({ url: '/v1/faults/http', auth: 'Bearer secret-admin-token', body: { fault: { averageDelay: '100ms', errorRate: 0.1, errorCode: 503 }, duration: '1s' } });
    expect(r.stderr).not.toContain('secret-admin-token');
  });

  it('rejects with k6\'s "disruptor did not receive any request" when the agent saw none', async () => {
    requestsSeen = 0;
    const r = await runCli('disruptor-inject.js', [], { K6_OFFLINE_FAULT_AGENT_URL: agentUrl });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('INJECT RESULT error=[error injecting fault: disruptor did not receive any request]');
  });

  it('validates as strictly as xk6-disruptor: a numeric averageDelay and a sub-second duration are refused before anything is sent', async () => {
    received.length = 0;
    const r = await runCli('disruptor-invalid.js', [], { K6_OFFLINE_FAULT_AGENT_URL: agentUrl });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('averageDelay');
    expect(r.stderr).toContain('duration');
    expect(received).toEqual([]);
  });

  it('reads the agent from the runner’s own environment, not __ENV', async () => {
    const r = await runCli('disruptor-without-agent.js', ['-e', `K6_OFFLINE_FAULT_AGENT_URL=${agentUrl}`], {});
    expect(r.stderr).toContain('no fault agent configured');
  });
});
