import { freePort } from '@arbiter/dev-infra';
import { type IntuitOAuthConfig, IntuitOAuthGateway, type IntuitTokenResponse, type TokenStore } from '@arbiter/qbo-client';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { runInThisContext } from 'node:vm';
import { runFromSource, waitForHealthy, type SourceApp } from './run-from-source';

// Shared by the qbo-client e2e specs and bench/qbo-client.bench.ts: the QuickBooks sandbox as a real
// process (never imported: the client and the sandbox share no code), its control surface, a recording
// proxy and small test doubles. Deliberately free of jest globals so the benchmark can use it too.

/** A token set minted by `POST /__sandbox/realms/:realmId/tokens` (the token endpoint's answer plus realmId). */
export interface MintedTokens extends IntuitTokenResponse {
  realmId: string;
}

/** `GET /__sandbox/realms/:realmId/stats`. */
export interface SandboxStats {
  requests: number;
  throttled: number;
  injectedFaults: number;
  replays: number;
  droppedResponses: number;
  inFlight: number;
  totalWrites: number;
  writes: Record<string, number>;
}

/** One object as the control surface lists it (voided and deleted included). */
export interface SandboxEntity<T = Record<string, unknown>> {
  state: 'active' | 'voided' | 'deleted';
  active: boolean;
  object: T;
}

/** The QuickBooks sandbox (`apps/qbo-sandbox`) run from source on a free loopback port. */
export class SandboxProcess {
  readonly clientId = `e2e-${randomBytes(3).toString('hex')}`;
  readonly clientSecret = randomBytes(16).toString('hex');
  readonly redirectUri = 'http://127.0.0.1:3000/oauth/quickbooks/callback';
  url = '';
  private app?: SourceApp;

  /** The sandbox process id (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.app?.child.pid;
  }

  /** Starts with the sandbox's own defaults (real limits: 500/min and 10 in flight per realm) unless `env` overrides them. */
  static async start(env: Record<string, string> = {}): Promise<SandboxProcess> {
    const sandbox = new SandboxProcess();
    const port = await freePort();
    sandbox.url = `http://127.0.0.1:${port}`;
    sandbox.app = runFromSource('qbo-sandbox', {
      QBO_CLIENT_ID: sandbox.clientId,
      QBO_CLIENT_SECRET: sandbox.clientSecret,
      QBO_REDIRECT_URI: sandbox.redirectUri,
      QBO_SANDBOX_PORT: String(port),
      QBO_SANDBOX_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    });
    await waitForHealthy(sandbox.url, sandbox.app);
    return sandbox;
  }

  async stop(): Promise<void> {
    if (this.app && this.app.child.exitCode === null) {
      this.app.child.kill('SIGTERM');
      await this.app.exited;
    }
  }

  /** The last lines the sandbox printed (for failure messages). */
  logTail(lines = 20): string {
    return (this.app?.lines ?? []).slice(-lines).join('\n');
  }

  /** @throws Error when the control surface answers with another status than `expectStatus`. */
  async control<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expectStatus = 200): Promise<T> {
    const res = await fetch(`${this.url}/__sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expectStatus) throw new Error(`control ${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** A new company; `seed` options (customers, invoices, …) as the control surface documents. */
  newRealm(body: Record<string, unknown> = {}): Promise<{ realmId: string; created: { customers: string[]; items: string[]; invoices: string[]; payments: string[] } }> {
    return this.control('POST', 'realms', body);
  }

  mint(realmId: string): Promise<MintedTokens> {
    return this.control<MintedTokens>('POST', `realms/${realmId}/tokens`, {});
  }

  stats(realmId: string): Promise<SandboxStats> {
    return this.control<SandboxStats>('GET', `realms/${realmId}/stats`);
  }

  async entities<T = Record<string, unknown>>(realmId: string, entity: string): Promise<SandboxEntity<T>[]> {
    return (await this.control<{ items: SandboxEntity<T>[] }>('GET', `realms/${realmId}/entities/${entity}`)).items;
  }

  addFault(realmId: string, rule: Record<string, unknown>): Promise<{ id: string }> {
    return this.control('POST', `realms/${realmId}/faults`, rule);
  }

  /** intuit-oauth pointed at this sandbox; no retries of its own so every token call is visible. */
  oauthConfig(): IntuitOAuthConfig {
    return {
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      redirectUri: this.redirectUri,
      environment: 'sandbox',
      oauthBaseUrl: this.url,
      retry: { maxRetries: 0, retryDelayMs: 0 },
    };
  }
}

/** Saves a minted token set as the `connected` row exchangeCode would have written. */
export async function storeMintedConnection(store: TokenStore, tokens: MintedTokens, issuedAt = Date.now()): Promise<void> {
  await store.withRealmLock(tokens.realmId, (tx) =>
    tx.save({
      realmId: tokens.realmId,
      status: 'connected',
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accessTokenExpiresAt: issuedAt + tokens.expires_in * 1000,
      refreshTokenExpiresAt: tokens.x_refresh_token_expires_in ? issuedAt + tokens.x_refresh_token_expires_in * 1000 : undefined,
      updatedAt: issuedAt,
    }),
  );
}

/** The real intuit-oauth gateway, counting token-endpoint calls (the sandbox keeps no such count). */
export class CountingOAuthGateway {
  refreshes = 0;
  exchanges = 0;
  revokes = 0;
  private readonly inner: IntuitOAuthGateway;

  constructor(config: IntuitOAuthConfig) {
    this.inner = new IntuitOAuthGateway(config);
  }

  authorizeUri(scopes: readonly string[], state: string): string {
    return this.inner.authorizeUri(scopes, state);
  }

  createToken(callbackUrlOrQuery: string): Promise<IntuitTokenResponse> {
    this.exchanges += 1;
    return this.inner.createToken(callbackUrlOrQuery);
  }

  refresh(refreshToken: string): Promise<IntuitTokenResponse> {
    this.refreshes += 1;
    return this.inner.refresh(refreshToken);
  }

  revoke(token: string): Promise<void> {
    this.revokes += 1;
    return this.inner.revoke(token);
  }
}

/**
 * Records `unhandledRejection` on the real Node process. Inside jest, the global `process` is a copy
 * whose own emitter never receives the event, so the listener goes on the process of the main context.
 */
export function recordUnhandledRejections(): { readonly seen: unknown[]; take(): unknown[]; stop(): void } {
  const realProcess = runInThisContext('process') as NodeJS.Process;
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  realProcess.on('unhandledRejection', listener);
  return {
    seen,
    take: () => seen.splice(0),
    stop: () => realProcess.off('unhandledRejection', listener),
  };
}

/** One request the client made through {@link startRecordingProxy} and the answer it got. */
export interface Exchange {
  method: string;
  /** Path and query string, e.g. `/v3/company/123/invoice?minorversion=75&requestid=…`. */
  url: string;
  requestBody: string;
  status: number;
  headers: IncomingHttpHeaders;
  responseBody: string;
}

/**
 * A transparent HTTP proxy in front of the sandbox that keeps every exchange, so a test can check the
 * exact JSON the client received for a call (shape, number text) next to what the client made of it.
 */
export async function startRecordingProxy(target: string): Promise<{ url: string; exchanges: Exchange[]; last(match: (e: Exchange) => boolean): Exchange; close(): Promise<void> }> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const responseBody = Buffer.concat(body);
            exchanges.push({
              method: req.method ?? 'GET',
              url: req.url ?? '',
              requestBody: requestBody.toString('utf8'),
              status: up.statusCode ?? 0,
              headers: up.headers,
              responseBody: responseBody.toString('utf8'),
            });
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(responseBody);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(requestBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    last(match) {
      const found = [...exchanges].reverse().find(match);
      if (!found) throw new Error('no recorded exchange matches');
      return found;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Every key of the reference example must be in the answer with the same JSON type, recursively;
 * arrays are compared index-wise. `exempt` paths are skipped (each with its reason at the call site);
 * `exact` paths must have exactly the example's keys.
 */
export function shapeProblems(expected: unknown, actual: unknown, options: { exempt?: string[]; exact?: string[] } = {}, path = '$'): string[] {
  if (options.exempt?.includes(path)) return [];
  if (jsonType(expected) !== jsonType(actual)) return [`${path}: expected ${jsonType(expected)}, got ${jsonType(actual)}`];
  const problems: string[] = [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length > 0 && actual.length === 0) problems.push(`${path}: expected elements, got none`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i += 1) problems.push(...shapeProblems(expected[i], actual[i], options, `${path}[${i}]`));
  } else if (jsonType(expected) === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      const child = `${path}.${key}`;
      if (options.exempt?.includes(child)) continue;
      if (!(key in a)) problems.push(`${child}: missing`);
      else problems.push(...shapeProblems(e[key], a[key], options, child));
    }
    if (options.exact?.includes(path)) {
      for (const key of Object.keys(a)) if (!(key in e)) problems.push(`${path}.${key}: not in the example`);
    }
  }
  return problems;
}
