import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** Path after `/internal/v1/tenants/:tenantId/`, decoded segments joined by `/`. */
  path: string;
  segments: string[];
  tenantId: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface CannedAnswer {
  status: number;
  body?: unknown;
  /** Raw bytes instead of JSON. */
  bytes?: Buffer;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type Route = (call: RecordedCall) => CannedAnswer | undefined;

export const notFound = (what: string): CannedAnswer => ({
  status: 404,
  headers: { 'content-type': 'application/problem+json' },
  body: { type: 'https://arbiter.dev/problems/not_found', title: 'Not found', status: 404, detail: `no such ${what}`, code: 'NOT_FOUND' },
});

/**
 * A stand-in for a service's internal API on 127.0.0.1:<free port>: records every call and answers from a
 * route table (first route that answers wins; otherwise 404 ROUTE). Tests assert on `calls`.
 */
export class FakeService {
  readonly calls: RecordedCall[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly routes: Route[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const match = /^\/internal\/v1\/tenants\/([^/]+)\/(.*)$/.exec(url.pathname);
        const raw = Buffer.concat(chunks).toString('utf8');
        const segments = match ? match[2].split('/').map(decodeURIComponent) : [];
        const call: RecordedCall = {
          method: req.method ?? 'GET',
          path: segments.join('/'),
          segments,
          tenantId: match ? decodeURIComponent(match[1]) : '',
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: raw ? JSON.parse(raw) : undefined,
        };
        this.calls.push(call);
        let answer: CannedAnswer | undefined;
        for (const route of this.routes) if ((answer = route(call))) break;
        answer ??= { status: 404, headers: { 'content-type': 'application/problem+json' }, body: { status: 404, code: 'NOT_FOUND', title: 'Not found', detail: 'no such route', type: 'x' } };
        const send = () => {
          if (answer!.bytes) {
            res.writeHead(answer!.status, { 'content-length': String(answer!.bytes.length), ...answer!.headers });
            res.end(answer!.bytes);
            return;
          }
          const text = answer!.body === undefined ? '' : JSON.stringify(answer!.body);
          res.writeHead(answer!.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...answer!.headers });
          res.end(text);
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `on('GET', 'problems/:id/resync', handler)`: a route matching a method and a segment pattern. */
export function on(method: string, pattern: string, answer: (call: RecordedCall, params: Record<string, string>) => CannedAnswer | undefined): Route {
  const parts = pattern.split('/');
  return (call) => {
    if (call.method !== method || call.segments.length !== parts.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].startsWith(':')) params[parts[i].slice(1)] = call.segments[i];
      else if (parts[i] !== call.segments[i]) return undefined;
    }
    return answer(call, params);
  };
}
