import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApiKey } from '../src/api-keys/create-api-key';
import { gatewayEntities } from '../src/app.module';
import type { Role } from '../src/auth/principal';
import { type GatewayConfig, GatewayConfigSchema } from '../src/config';
import { type RunningGateway, startGateway } from '../src/gateway-app';
import { gatewayMigrations } from '../src/migrations';
import { type CannedAnswer, FakeService, notFound, on, type Route } from './fake-service';

export const OWN = 'acme';
export const OTHER = 'globex';
export const PROBLEM_ID = '6f1c2a4e-9b1d-4c7e-8f00-1a2b3c4d5e6f';
export const INVOICE_ID = 'inv-1001';
export const CUSTOMER_ID = 'cust-1';
export const RUN_ID = '0b6c2f4e-6f7a-4d0e-9a51-7d3f1e2b9c10';
export const PDF_BYTES = Buffer.from('%PDF-1.7\n% Arbiter audit report (fake)\n%%EOF\n');
export const CSV_BYTES = Buffer.from('kind,customerId,sourceId,difference\namount_mismatch,cust-1,inv-1001,10.00\n');
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const own = (call: { tenantId: string }) => call.tenantId === OWN;
const ok = (body: unknown, status = 200): CannedAnswer => ({ status, body });

export const documentState = (sourceId = INVOICE_ID, syncStatus = 'pushed') => ({
  tenantId: OWN, entityType: 'invoice', sourceId, syncStatus, qboId: '130', pushedVersion: 3, pushedAt: '2026-10-31T17:04:05.123Z', problem: null, queued: true,
});

export const problemItem = (i: number, id = PROBLEM_ID) => ({
  id, entityType: 'invoice', sourceId: `inv-${1000 + i}`, kind: 'duplicate_match', state: 'open',
  reason: `Customer “Acme Corp ${i}” matches two QuickBooks customers by billing email; pick one under Mappings.`,
  qboErrorCode: i % 3 === 0 ? '6240' : null, qboMessage: i % 3 === 0 ? 'Duplicate Name Exists Error' : null, attempts: 1 + (i % 4),
  allowedActions: ['map', 'resync', 'clear'], details: { candidates: ['58', '61'] }, // the sync-service's catalogue for duplicate_match
  firstSeenAt: '2026-10-30T09:00:00.000Z', lastSeenAt: '2026-10-31T17:04:05.123Z', resolvedAt: null, resolvedBy: null,
});

export const run = () => ({
  id: RUN_ID, tenantId: OWN, asOf: '2026-10-31', agingBasis: 'due_date', state: 'completed', progress: { done: 10, total: 10 }, status: 'out_of_sync',
  buckets: ['current', '1-30', '31-60', '61-90', '91+'].map((bucket) => ({ bucket, source: '100.00', qbo: bucket === 'current' ? '90.00' : '100.00', difference: bucket === 'current' ? '10.00' : '0.00' })),
  totals: { source: '500.00', qbo: '490.00', difference: '10.00' },
  customers: [{ customerId: CUSTOMER_ID, qboCustomerId: '58', buckets: [{ bucket: 'current', source: '100.00', qbo: '90.00', difference: '10.00' }] }],
  discrepancyCounts: { amount_mismatch: 1 }, reportSha256: sha256(PDF_BYTES), startedAt: '2026-11-01T00:00:00.000Z', finishedAt: '2026-11-01T00:00:03.000Z',
});

/** The sync-service's internal API, answering for tenant `acme`; another tenant's resources are 404, its lists empty. */
export function syncRoutes(problemPage: () => unknown = () => ({ items: [problemItem(1)], nextCursor: null })): Route[] {
  return [
    on('GET', 'problems', (c) => ok(own(c) ? problemPage() : { items: [], nextCursor: null })),
    on('POST', 'problems/:id/:action', (c, p) =>
      own(c) && p['id'] === PROBLEM_ID && ['resync', 'clear', 'mark-paid'].includes(p['action']) ? ok(documentState(INVOICE_ID, p['action'] === 'clear' ? 'cleared' : 'pending')) : notFound('problem'),
    ),
    on('GET', 'invoices', (c) => ok({ items: own(c) ? [{ sourceId: INVOICE_ID, number: 'INV-1001', syncStatus: 'pushed' }] : [], nextCursor: null })),
    on('GET', 'invoices/:id', (c, p) => (own(c) && p['id'] === INVOICE_ID ? ok({ ...documentState(), balance: null, export: true }) : notFound('invoice'))),
    on('POST', 'invoices/:id/push', (c, p) => (own(c) && p['id'] === INVOICE_ID ? ok(documentState(), 202) : notFound('invoice'))),
    on('PUT', 'links/:type/:id', (c, p) => (own(c) && p['id'] === INVOICE_ID ? ok(documentState()) : notFound(p['type']))),
    on('DELETE', 'links/:type/:id', (c, p) => (own(c) && p['id'] === INVOICE_ID ? ok(documentState(INVOICE_ID, 'unlinked')) : notFound(p['type']))),
    on('GET', 'mappings/:kind/:id', (c, p) => (own(c) && p['id'] === CUSTOMER_ID ? ok({ sourceId: CUSTOMER_ID, qboId: '58', mappedBy: 'ak_x', mappedAt: '2026-10-31T00:00:00.000Z' }) : notFound('mapping'))),
    on('PUT', 'mappings/:kind/:id', (c, p) => ok({ sourceId: p['id'], qboId: (c.body as { qboId: string }).qboId, retried: 0 })),
    on('GET', 'settings', () => ok({ syncEntityTypes: ['customer', 'item', 'invoice'], autoPush: true, inSyncPoint: '2026-01-01' })),
    on('PUT', 'settings', (c) => ok({ syncEntityTypes: ['customer', 'item', 'invoice'], autoPush: true, inSyncPoint: '2026-01-01', ...(c.body as object) })),
    on('PUT', 'in-sync-point', (c) => ok({ inSyncPoint: (c.body as { date: string }).date })),
    on('PUT', 'export-flags', (c) => ok({ updated: 2, export: (c.body as { export: boolean }).export })),
    on('GET', 'sync/status', (c) => ok({ tenantId: c.tenantId, settled: true, queue: { queued: 0, active: 0, blocked: 0, nextDueAt: null } })),
    on('GET', 'connection', () => ok({ state: 'disconnected' })),
    on('POST', 'connection/authorize-url', (c) => ok({ url: `http://127.0.0.1:4010/connect/oauth2?client_id=x&state=${encodeURIComponent((c.body as { state: string }).state)}` })),
    on('POST', 'connection/exchange', () => ok({ realmId: '9130357' })),
    on('DELETE', 'connection', () => ok({ state: 'disconnected' })),
  ];
}

/** The recon-service's internal API (as specified to its author), answering for tenant `acme`. */
export function reconRoutes(): Route[] {
  const report = (bytes: Buffer, type: string, ext: string): CannedAnswer => ({
    status: 200,
    bytes,
    headers: { 'content-type': type, 'content-disposition': `attachment; filename="reconciliation-${RUN_ID}.${ext}"`, 'x-content-sha256': sha256(bytes) },
  });
  return [
    on('POST', 'reconciliations', () => ok({ id: RUN_ID }, 202)),
    on('GET', 'reconciliations', (c) => ok({ items: own(c) ? [run()] : [], nextCursor: null })),
    on('GET', 'reconciliations/:id', (c, p) => (own(c) && p['id'] === RUN_ID ? ok(run()) : notFound('reconciliation'))),
    on('GET', 'reconciliations/:id/discrepancies', (c, p) =>
      own(c) && p['id'] === RUN_ID
        ? ok({ items: [{ id: 'd1', kind: 'amount_mismatch', customerId: CUSTOMER_ID, sourceId: INVOICE_ID, qboId: '130', sourceAmount: '100.00', qboAmount: '90.00', difference: '10.00', bucket: 'current', suggestedAction: 'resync' }], nextCursor: null })
        : notFound('reconciliation'),
    ),
    on('GET', 'reconciliations/:id/report.pdf', (c, p) => (own(c) && p['id'] === RUN_ID ? report(PDF_BYTES, 'application/pdf', 'pdf') : notFound('reconciliation'))),
    on('GET', 'reconciliations/:id/report.csv', (c, p) => (own(c) && p['id'] === RUN_ID ? report(CSV_BYTES, 'text/csv; charset=utf-8', 'csv') : notFound('reconciliation'))),
    on('GET', 'reconciliations/:id/verify', (c, p) =>
      own(c) && p['id'] === RUN_ID ? ok({ valid: true, reportSha256: sha256(PDF_BYTES), dataSha256: sha256('data') }) : notFound('reconciliation'),
    ),
  ];
}

export interface Harness {
  gateway: RunningGateway;
  config: GatewayConfig;
  sync: FakeService;
  recon: FakeService;
  db: TestDatabase;
  pg: Client;
  /** Keys of tenant `acme` by role, and an admin key of tenant `globex`. */
  keys: Record<Role, string> & { otherAdmin: string };
  keyIds: Record<Role, string> & { otherAdmin: string };
  call(method: string, path: string, options?: { key?: string | null; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }): Promise<Answer>;
  /** Calls received by both fakes so far. */
  upstreamCalls(): number;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
  bytes: Buffer;
}

export const INTERNAL_TOKEN = 'internal-token-for-tests-0123456789';

/** A gateway on 127.0.0.1:0 against a fresh database and two fake services; keys for acme (every role) and globex (admin). */
export async function startHarness(options: { env?: Record<string, string>; syncRoutes?: Route[]; reconRoutes?: Route[] } = {}): Promise<Harness> {
  const db = await createTestDatabase('gateway');
  const sync = await new FakeService(options.syncRoutes ?? syncRoutes()).start();
  const recon = await new FakeService(options.reconRoutes ?? reconRoutes()).start();
  const config = GatewayConfigSchema.parse({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    HOST: '127.0.0.1',
    PORT: '0',
    SYNC_SERVICE_URL: sync.url,
    RECON_SERVICE_URL: recon.url,
    INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    QBO_CLIENT_ID: 'test-client',
    QBO_CLIENT_SECRET: 'test-client-secret',
    QBO_REDIRECT_URI: 'http://127.0.0.1:3000/oauth/quickbooks/callback',
    QBO_WEBHOOK_VERIFIER_TOKEN: 'test-verifier-token',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  await runServiceMigrations({ clientUrl: db.url, schema: config.DATABASE_SCHEMA, entities: gatewayEntities, migrations: gatewayMigrations });
  const make = (tenantId: string, role: Role) => createApiKey({ databaseUrl: db.url, tenantId, role, name: `${tenantId} ${role}` });
  const [admin, controller, auditor, otherAdmin] = await Promise.all([make(OWN, 'admin'), make(OWN, 'controller'), make(OWN, 'auditor'), make(OTHER, 'admin')]);
  const gateway = await startGateway(config);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await pg.query(`set search_path to ${config.DATABASE_SCHEMA}`);

  const call: Harness['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers['authorization'] ??= `Bearer ${opts.key}`;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${gateway.url}${path}`, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown = undefined;
    if (/json/.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text, bytes };
  };

  return {
    gateway,
    config,
    sync,
    recon,
    db,
    pg,
    keys: { admin: admin.key, controller: controller.key, auditor: auditor.key, otherAdmin: otherAdmin.key },
    keyIds: { admin: admin.id, controller: controller.id, auditor: auditor.id, otherAdmin: otherAdmin.id },
    call,
    upstreamCalls: () => sync.calls.length + recon.calls.length,
    stop: async () => {
      await gateway.close();
      await pg.end();
      await Promise.all([sync.stop(), recon.stop()]);
      await db.drop();
    },
  };
}
