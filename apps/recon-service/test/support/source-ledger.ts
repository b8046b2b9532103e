import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Client } from 'pg';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * Creates the sync-service's schema (source ledger, links, settings, QuickBooks tokens) in a test database by running
 * the sync-service's own migrations from source, so these tests read exactly the tables that service writes.
 */
export function migrateSyncSchema(databaseUrl: string, kafkaBrokers: string): void {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', resolve(ROOT, 'apps/sync-service/src/main.ts'), 'migrate'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env['PATH'],
      SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json'),
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      QBO_CLIENT_ID: 'recon-test',
      QBO_CLIENT_SECRET: 'recon-test',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
    },
  });
  if (run.status !== 0) throw new Error(`sync-service migrate failed (${run.status}):\n${run.stderr}\n${run.stdout}`);
}

export interface InvoiceRow {
  id: string;
  number?: string;
  customerId: string;
  issueDate: string;
  dueDate: string;
  total: string;
  status?: 'draft' | 'approved' | 'in_revision' | 'cancelled';
  export?: 'go' | 'no_go';
  currency?: string;
  qboId?: string;
}

/** Writes a tenant's source ledger the way the sync-service's applyBatchToLedger does (final state only). */
export class SourceLedger {
  constructor(
    private readonly pg: Client,
    readonly tenantId: string,
  ) {}

  async connect(realmId: string): Promise<void> {
    await this.pg.query(
      `insert into sync.tenant_connection (tenant_id, realm_id, state, connected_at) values ($1, $2, 'connected', now())
       on conflict (tenant_id) do update set realm_id = excluded.realm_id, state = 'connected'`,
      [this.tenantId, realmId],
    );
  }

  async inSyncPoint(date: string): Promise<void> {
    await this.pg.query(
      `insert into sync.tenant_settings (tenant_id, settings, in_sync_point) values ($1, '{}', $2)
       on conflict (tenant_id) do update set in_sync_point = excluded.in_sync_point`,
      [this.tenantId, date],
    );
  }

  async customer(id: string, displayName: string, qboId?: string, currency = 'USD'): Promise<void> {
    await this.pg.query(
      `insert into sync.source_customer (tenant_id, id, display_name, currency, active, version) values ($1, $2, $3, $4, true, 1)`,
      [this.tenantId, id, displayName, currency],
    );
    if (qboId) await this.link('customer', id, qboId);
  }

  async invoice(row: InvoiceRow): Promise<void> {
    await this.pg.query(
      `insert into sync.source_invoice (tenant_id, id, number, customer_id, issue_date, due_date, currency, status, total, lines, export, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', $10, 1)`,
      [this.tenantId, row.id, row.number ?? row.id.toUpperCase(), row.customerId, row.issueDate, row.dueDate, row.currency ?? 'USD', row.status ?? 'approved', row.total, row.export ?? null],
    );
    if (row.qboId) await this.link('invoice', row.id, row.qboId);
  }

  async payment(row: { id: string; customerId: string; receivedOn: string; amount: string; reference?: string; voided?: boolean; qboId?: string; applications?: Array<{ invoiceId: string; amount: string }> }): Promise<void> {
    await this.pg.query(
      `insert into sync.source_payment (tenant_id, id, customer_id, received_on, amount, currency, reference, voided, version) values ($1, $2, $3, $4, $5, 'USD', $6, $7, 1)`,
      [this.tenantId, row.id, row.customerId, row.receivedOn, row.amount, row.reference ?? null, row.voided ?? false],
    );
    for (const a of row.applications ?? []) await this.application('payment', row.id, a.invoiceId, a.amount, row.receivedOn);
    if (row.qboId) await this.link('payment', row.id, row.qboId);
  }

  async creditMemo(row: { id: string; number?: string; customerId: string; issueDate: string; total: string; cancelled?: boolean; qboId?: string; applications?: Array<{ invoiceId: string; amount: string }> }): Promise<void> {
    await this.pg.query(
      `insert into sync.source_credit_memo (tenant_id, id, number, customer_id, issue_date, currency, total, lines, cancelled, version) values ($1, $2, $3, $4, $5, 'USD', $6, '[]', $7, 1)`,
      [this.tenantId, row.id, row.number ?? row.id.toUpperCase(), row.customerId, row.issueDate, row.total, row.cancelled ?? false],
    );
    for (const a of row.applications ?? []) await this.application('credit-memo', row.id, a.invoiceId, a.amount, row.issueDate);
    if (row.qboId) await this.link('credit-memo', row.id, row.qboId);
  }

  private async application(sourceType: string, sourceId: string, invoiceId: string, amount: string, appliedOn: string): Promise<void> {
    await this.pg.query(
      `insert into sync.source_application (tenant_id, source_type, source_id, invoice_id, amount, applied_on) values ($1, $2, $3, $4, $5, $6)`,
      [this.tenantId, sourceType, sourceId, invoiceId, amount, appliedOn],
    );
  }

  async link(entityType: string, sourceId: string, qboId: string): Promise<void> {
    await this.pg.query(
      `insert into sync.sync_link (tenant_id, entity_type, source_id, qbo_id, status) values ($1, $2, $3, $4, 'pushed')
       on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id`,
      [this.tenantId, entityType, sourceId, qboId],
    );
  }
}
