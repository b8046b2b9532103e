import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AddressInfo } from 'node:net';
import { loadSandboxConfig } from '../src/config';
import { SandboxModule, configureSandboxApp } from '../src/sandbox.module';

export const CLIENT_ID = 'sandbox-test-client';
export const CLIENT_SECRET = 'sandbox-test-secret';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const VERIFIER_TOKEN = 'verifier-token-for-tests';
export const DEFAULT_REALM = '9341453908059321';

/** Parsed response bodies: their shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

export interface HttpResult<T = AnyJson> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed with plain JSON.parse (tests compare money as text where exactness matters). */
  json: T;
}

export interface Harness {
  app: INestApplication;
  baseUrl: string;
  realmId: string;
  token: string;
  /** Any request against the sandbox host. */
  http(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<HttpResult>;
  /** A QuickBooks API call for `realmId` with the harness token: path is relative to /v3/company/{realmId}. */
  qbo(method: string, path: string, body?: unknown, init?: { token?: string; realmId?: string; headers?: Record<string, string>; rawBody?: string }): Promise<HttpResult>;
  control(method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Creates a realm and mints an accounting token for it. */
  newRealm(body?: Record<string, unknown>): Promise<{ realmId: string; token: string }>;
  close(): Promise<void>;
}

/**
 * Starts the sandbox as a Nest app on 127.0.0.1, port 0 (the same module and app setup as
 * main.ts), with limits off unless a test turns them on, and a token for the default realm.
 */
export async function startSandbox(env: Record<string, string> = {}): Promise<Harness> {
  const config = loadSandboxConfig({
    QBO_CLIENT_ID: CLIENT_ID,
    QBO_CLIENT_SECRET: CLIENT_SECRET,
    QBO_REDIRECT_URI: REDIRECT_URI,
    QBO_LIMITS_ENABLED: 'false',
    QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER_TOKEN,
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [SandboxModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false, rawBody: true });
  configureSandboxApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const http: Harness['http'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    let body: string | undefined = init.rawBody;
    if (body === undefined && init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  const control: Harness['control'] = (method, path, body) => http(method, `/__sandbox${path}`, { body: body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}) });

  const mint = async (realmId: string): Promise<string> => {
    const res = await control('POST', `/realms/${realmId}/tokens`, {});
    if (res.status !== 200) throw new Error(`mint failed ${res.status} ${res.text}`);
    return res.json.access_token as string;
  };

  const harness: Harness = {
    app,
    baseUrl,
    realmId: DEFAULT_REALM,
    token: await mint(DEFAULT_REALM),
    http,
    control,
    qbo: (method, path, body, init = {}) =>
      http(method, `/v3/company/${init.realmId ?? harness.realmId}${path}`, {
        body,
        rawBody: init.rawBody,
        headers: { authorization: `Bearer ${init.token ?? harness.token}`, ...init.headers },
      }),
    async newRealm(body = {}) {
      const res = await control('POST', '/realms', body);
      if (res.status !== 200) throw new Error(`create realm failed ${res.status} ${res.text}`);
      const realmId = res.json.realmId as string;
      return { realmId, token: await mint(realmId) };
    },
    close: () => app.close(),
  };
  return harness;
}

/** Shorthand bodies used across specs. */
export const salesLine = (amount: string | number, itemId = '1', extra: Record<string, unknown> = {}) => ({
  DetailType: 'SalesItemLineDetail',
  Amount: amount,
  SalesItemLineDetail: { ItemRef: { value: itemId }, ...extra },
});

export async function createCustomer(h: Harness, name: string, extra: Record<string, unknown> = {}, realm?: { realmId: string; token: string }) {
  const res = await h.qbo('POST', '/customer', { DisplayName: name, ...extra }, realm);
  if (res.status !== 200) throw new Error(`customer create failed ${res.status} ${res.text}`);
  return res.json.Customer as { Id: string; SyncToken: string; DisplayName: string; Balance: number };
}

export async function createInvoice(
  h: Harness,
  customerId: string,
  amounts: (string | number)[],
  extra: Record<string, unknown> = {},
  realm?: { realmId: string; token: string },
) {
  const res = await h.qbo('POST', '/invoice', { CustomerRef: { value: customerId }, Line: amounts.map((a) => salesLine(a)), ...extra }, realm);
  if (res.status !== 200) throw new Error(`invoice create failed ${res.status} ${res.text}`);
  return res.json.Invoice as { Id: string; SyncToken: string; TotalAmt: number; Balance: number; DocNumber: string; DueDate: string; TxnDate: string; LinkedTxn: unknown[] };
}

/** Extracts the exact text of a numeric member from raw JSON, e.g. `"Balance":12.34` → "12.34". */
export function numberTextOf(rawJson: string, key: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`"${key}":(-?[0-9.eE+-]+)`, 'g');
  for (let m = re.exec(rawJson); m; m = re.exec(rawJson)) out.push(m[1]);
  return out;
}
