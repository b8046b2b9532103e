import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { type FieldError, GatewayError, type ProblemBody, UpstreamProblem } from '../gateway-error';

export type ServiceName = 'sync-service' | 'recon-service';

/** Who the service should record as acting: the API key id and its role (`x-arbiter-actor`, `x-arbiter-role`). */
export interface Actor {
  keyId: string;
  role: string;
}

export interface ServiceCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  tenantId: string;
  /** Path segments under `/internal/v1/tenants/:tenantId/`; each is percent-encoded here, never concatenated raw. */
  path: string[];
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  actor: Actor;
}

export interface StreamedAnswer {
  headers: Record<string, string>;
  body: Readable;
}

/** Headers of a streamed download that pass through unchanged. */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'x-content-sha256', 'etag', 'last-modified', 'cache-control'];

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' ? value.slice(0, max) : undefined);

/** A service's problem+json trimmed to the problem fields (nothing else it may add is relayed). */
function relayedProblem(service: ServiceName, status: number, body: unknown): ProblemBody {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = text(b['code'], 64) ?? `UPSTREAM_${status}`;
  const errors = Array.isArray(b['errors'])
    ? (b['errors'] as unknown[]).slice(0, 100).map((e): FieldError => {
        const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
        return { field: text(r['field'], 200) ?? '(unknown)', message: text(r['message'], 500) ?? 'is invalid' };
      })
    : undefined;
  return {
    type: text(b['type'], 200) ?? `https://arbiter.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: text(b['title'], 200) ?? `${service} refused the request`,
    status,
    detail: text(b['detail'], 1000) ?? `${service} answered ${status}`,
    code,
    ...(errors ? { errors } : {}),
  };
}

/**
 * HTTP client for one service's internal API: keep-alive pool, a timeout per call, the caller passed as
 * headers, the internal token as bearer. Errors come back typed: a 4xx problem is an {@link UpstreamProblem}
 * (relayed as is), everything else a {@link GatewayError} (502/504). The tenant always comes from the key.
 */
export class ServiceClient {
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly name: ServiceName,
    baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.logger = new Logger(`ServiceClient:${name}`);
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    // Enough sockets for the benchmark's 500 req/s with headroom; idle ones close after 10 s.
    this.pool = new Pool(url.origin, { connections: 128, keepAliveTimeout: 10_000, pipelining: 1 });
  }

  /**
   * @throws UpstreamProblem for a 4xx problem (400, 404, 409, 422, 429).
   * @throws GatewayError UPSTREAM_UNAVAILABLE (refused, 5xx, bad credentials) or UPSTREAM_TIMEOUT.
   */
  async json<T>(call: ServiceCall): Promise<T> {
    const res = await this.send(call, 'application/json');
    const raw = await res.body.text().catch((error: Error) => this.transportFailure(call, error));
    let parsed: unknown = null;
    if (raw.length > 0) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        if (res.statusCode < 400) {
          this.logger.error(`answer is not JSON service=${this.name} path=${this.describe(call)} status=${res.statusCode}`);
          throw new GatewayError('UPSTREAM_UNAVAILABLE', `${this.name} gave an answer that is not JSON`);
        }
      }
    }
    if (res.statusCode < 400) return parsed as T;
    throw this.failure(call, res.statusCode, parsed, res.headers['retry-after']);
  }

  /**
   * A JSON answer relayed as the service's bytes, for reads the gateway passes on unchanged: parsing and
   * re-serialising a 30 kB page costs more than everything else the gateway does for it. Same errors as {@link json}.
   */
  async relay(call: ServiceCall): Promise<Buffer> {
    const res = await this.send(call, 'application/json');
    const bytes = Buffer.from(await res.body.arrayBuffer().catch((error: Error) => this.transportFailure(call, error)));
    if (res.statusCode < 400) return bytes;
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      /* a non-JSON error body: the status alone is relayed */
    }
    throw this.failure(call, res.statusCode, parsed, res.headers['retry-after']);
  }

  /** A download streamed through: bytes and the listed headers unchanged. Same errors as {@link json}. */
  async stream(call: ServiceCall): Promise<StreamedAnswer> {
    const res = await this.send(call, '*/*');
    if (res.statusCode >= 400) {
      const raw = await res.body.text().catch(() => '');
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(raw);
      } catch {
        /* a non-JSON error body: the status alone is relayed */
      }
      throw this.failure(call, res.statusCode, parsed, res.headers['retry-after']);
    }
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const value = res.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    return { headers, body: res.body };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(call: ServiceCall, accept: string) {
    const path = `${this.basePath}/internal/v1/tenants/${encodeURIComponent(call.tenantId)}/${call.path.map(encodeURIComponent).join('/')}`;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) search.set(key, String(value));
    const headers: Record<string, string> = {
      accept,
      'x-arbiter-actor': call.actor.keyId,
      'x-arbiter-role': call.actor.role,
    };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    try {
      return await this.pool.request({
        method: call.method,
        path: search.size ? `${path}?${search.toString()}` : path,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      return this.transportFailure(call, error as Error);
    }
  }

  private transportFailure(call: ServiceCall, error: Error & { code?: string }): never {
    const timedOut = error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT';
    this.logger.warn(`call failed service=${this.name} path=${this.describe(call)} error=${error.code ?? error.name}`);
    if (timedOut) throw new GatewayError('UPSTREAM_TIMEOUT', `${this.name} did not answer within ${this.timeoutMs} ms`);
    throw new GatewayError('UPSTREAM_UNAVAILABLE', `${this.name} is unavailable`);
  }

  private failure(call: ServiceCall, status: number, body: unknown, retryAfter: string | string[] | undefined): Error {
    if (status === 401 || status === 403) {
      // The gateway's own credentials were refused: a deployment error, never the caller's fault.
      this.logger.error(`service refused the gateway's internal token service=${this.name} status=${status} (check INTERNAL_API_TOKEN)`);
      return new GatewayError('UPSTREAM_UNAVAILABLE', `${this.name} refused the gateway`);
    }
    if (status >= 400 && status < 500) {
      return new UpstreamProblem(this.name, relayedProblem(this.name, status, body), typeof retryAfter === 'string' ? retryAfter : undefined);
    }
    this.logger.warn(`service failed service=${this.name} path=${this.describe(call)} status=${status}`);
    return new GatewayError('UPSTREAM_UNAVAILABLE', `${this.name} failed (${status})`);
  }

  private describe(call: ServiceCall): string {
    return `${call.method} /${call.path.map(encodeURIComponent).join('/')}`;
  }
}

export const SYNC_SERVICE = Symbol('SYNC_SERVICE');
export const RECON_SERVICE = Symbol('RECON_SERVICE');
