import { Pool } from 'undici';

export interface HttpTimeouts {
  /** TCP + TLS connect. Nothing has been sent when this fires, so even a write is safe to retry. */
  connectTimeoutMs: number;
  /** From request sent to response headers. QuickBooks itself gives up after 120 s. */
  headersTimeoutMs: number;
  /** Longest gap between body chunks. */
  bodyTimeoutMs: number;
}

export interface HttpTransportOptions extends HttpTimeouts {
  /** Sockets kept per origin; QuickBooks allows 10 in flight per realm, many realms share one origin. */
  connectionsPerOrigin: number;
  /** Idle keep-alive socket lifetime. Kept short so we rarely write on a socket the server is closing. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpTransportOptions = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 30_000,
  connectionsPerOrigin: 50,
  keepAliveTimeoutMs: 4_000,
};

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request that failed without a complete response. `requestMayHaveBeenSent` is false only when the
 * connection never opened (refused, DNS, connect timeout); any later failure may have reached QuickBooks.
 */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly requestMayHaveBeenSent: boolean,
    readonly timedOut: boolean,
    readonly errorCode: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
  }
}

/** Connection failures that happen before any byte of the request leaves this process. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown })?.cause;
  return cause && cause !== error ? errorCode(cause) : undefined;
};

/** HTTP/1.1 over undici: one keep-alive Pool per origin, explicit timeouts, bodies read as text. */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();
  readonly options: HttpTransportOptions;

  constructor(options: Partial<HttpTransportOptions> = {}) {
    this.options = { ...DEFAULT_HTTP_OPTIONS, ...options };
  }

  /**
   * Sends one request and reads the whole body.
   * @throws HttpTransportError when no complete response arrived.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const pool = this.pool(request.url.origin);
    try {
      const res = await pool.request({
        method: request.method,
        path: `${request.url.pathname}${request.url.search}`,
        headers: request.headers,
        body: request.body,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.bodyTimeoutMs,
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body };
    } catch (error) {
      const code = errorCode(error);
      throw new HttpTransportError(
        `${request.method} ${request.url.pathname} failed: ${(error as Error).message}${code ? ` (${code})` : ''}`,
        !(code !== undefined && NOT_SENT_CODES.has(code)),
        code !== undefined && TIMEOUT_CODES.has(code),
        code,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connectionsPerOrigin,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.bodyTimeoutMs,
        connect: { timeout: this.options.connectTimeoutMs },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}
