/**
 * The fault agent's control API (docs/platform-api.md): POST /v1/faults/http, GET /v1/faults,
 * GET /v1/faults/{id}, DELETE /v1/faults. Changes need the admin token as a Bearer token; reads
 * are open. Faults are validated by contracts/http-fault.ts — the same checks the k6 bundle runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { validateFaultRequest, type FaultRequest } from '../../contracts/http-fault';
import { MethodNotAllowedError, NotFoundError, SimError, UnauthorizedAdminError } from '../errors';
import { hardenServer, SERVER_OPTIONS } from '../http/harden';
import { readJsonBody } from '../http/read-body';
import { sendError, sendJson } from '../http/respond';
import type { Logger } from '../logger';
import { bearerOf, secretEquals } from '../secrets';
import type { FaultController } from './fault-controller';

export class InvalidFaultError extends SimError {
  constructor(problems: Array<{ field: string; message: string }>) {
    super('invalid_fault', 400, `invalid fault: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
}

export interface ControlOptions {
  controller: FaultController;
  adminToken: string;
  logger: Logger;
}

export function createControlServer(o: ControlOptions): Server {
  const requireAdmin = (req: IncomingMessage): void => {
    const presented = bearerOf(req.headers.authorization);
    if (presented === null || !secretEquals(presented, o.adminToken)) {
      req.resume();
      throw new UnauthorizedAdminError();
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    if (path === '/v1/faults/http') {
      if (method !== 'POST') throw new MethodNotAllowedError(method, ['POST']);
      requireAdmin(req);
      const { value } = await readJsonBody(req, 64 * 1024);
      const problems = validateFaultRequest(value);
      if (problems.length > 0) throw new InvalidFaultError(problems);
      const record = o.controller.start(value as FaultRequest);
      o.logger.info(`fault ${record.id} started for ${record.duration}`);
      sendJson(res, 201, record);
      return;
    }
    if (path === '/v1/faults') {
      if (method === 'GET') {
        sendJson(res, 200, { active: o.controller.active(), recent: o.controller.recent() });
        return;
      }
      if (method === 'DELETE') {
        requireAdmin(req);
        sendJson(res, 200, { ended: o.controller.end() });
        return;
      }
      throw new MethodNotAllowedError(method, ['GET', 'DELETE']);
    }
    const m = /^\/v1\/faults\/([A-Za-z0-9-]{1,64})$/.exec(path);
    if (m) {
      if (method !== 'GET') throw new MethodNotAllowedError(method, ['GET']);
      const record = o.controller.get(m[1] as string);
      if (!record) throw new NotFoundError(`no fault '${m[1]}' among the recent faults`);
      sendJson(res, 200, record);
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    throw new NotFoundError(`no route ${method} ${path.slice(0, 200)} on the fault agent control API`);
  };
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err, o.logger));
  });
  hardenServer(server);
  return server;
}
