import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Raw text of a fixture file (kept as text so numbers keep their exact source form). */
export const fixtureText = (name: string): string => readFileSync(join(__dirname, name), 'utf8');

/** A fault fixture from faults.json: its HTTP status and the body as JSON text. */
export function faultFixture(name: string): { status: number; body: string } {
  const all = JSON.parse(fixtureText('faults.json')) as Record<string, { status: number; body: unknown }>;
  const f = all[name];
  if (!f) throw new Error(`no fault fixture ${name}`);
  return { status: f.status, body: f.body === null ? '' : JSON.stringify(f.body) };
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A tiny loopback HTTP server for tests: records every request, answers through `handler`. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const req: RecordedRequest = {
        method: raw.method ?? 'GET',
        url: new URL(raw.url ?? '/', 'http://fake.invalid'),
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(req);
      Promise.resolve(handler(req, res, raw)).catch((error: Error) => {
        res.statusCode = 599;
        res.end(`fake handler failed: ${error.message}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer with QuickBooks' headers. */
export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', intuit_tid: 'tid-test-1', ...headers });
  res.end(body);
}
