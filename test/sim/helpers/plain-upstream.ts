/** A loopback upstream that answers every request 200 `upstream` (text/plain): what the fault agent proxies in its tests. */
import { createServer } from 'node:http';
import { closeServer, listen } from '../../../sim/http/harden';

export interface PlainUpstream {
  url: string;
  close(): Promise<void>;
}

export async function startPlainUpstream(): Promise<PlainUpstream> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('upstream');
  });
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  return { url, close: () => closeServer(server) };
}
