/**
 * The one boundary where errors become HTTP responses (docs/architecture.md#conventions): a SimError answers with its
 * status, `{error: code, message, ...fields}` and its headers; anything else is logged (message
 * only — never a request header) and answered with a generic 500.
 */
import type { ServerResponse } from 'node:http';
import { JsonText } from '../api/json-cache';
import { SimError } from '../errors';
import type { Logger } from '../logger';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): number {
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  const len = Buffer.byteLength(text);
  if (headers) for (const k in headers) res.setHeader(k, headers[k] as string);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': len });
  res.end(text);
  return len;
}

export function errorBody(err: SimError): Record<string, unknown> {
  return { error: err.code, message: err.message, ...err.fields };
}

/** Answers `err` (if the response is still open) and returns the status sent. */
export function sendError(res: ServerResponse, err: unknown, logger?: Logger): number {
  if (res.headersSent) {
    res.destroy();
    return res.statusCode;
  }
  if (err instanceof SimError) {
    sendJson(res, err.status, errorBody(err), err.headers);
    return err.status;
  }
  logger?.error(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  sendJson(res, 500, { error: 'internal_error', message: 'the server failed to handle this request' });
  return 500;
}
