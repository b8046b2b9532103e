import {
  buildCreditMemoUpserted,
  buildCustomerUpserted,
  buildInvoiceCancelled,
  buildInvoiceUpserted,
  buildItemUpserted,
  buildPaymentRecorded,
} from '@arbiter/testing';
import { Topics } from '@arbiter/contracts';
import { Money } from '@arbiter/domain';
import { randomUUID } from 'node:crypto';
import { SyncHarness, eventually } from './sync-harness';

/**
 * The push path end to end: platform events on the real broker → sync-service (real PostgreSQL) → the
 * QuickBooks sandbox over HTTP with a real OAuth connection. Every expectation is read back from QuickBooks.
 */
/** QuickBooks prints numbers its own way (600, 600.0); compare amounts as money, to the cent. */
const usd = (value: unknown) => Money.rounded(String(value), 'USD').toString();

describe('sync-service pushes to QuickBooks (sandbox)', () => {
  const h = new SyncHarness();
  const t = () => ({ tenantId: h.tenantId });
  let incomeAccountId = '';

  const qboInvoice = async (qboId: string) => (await h.qbo<{ Invoice: Record<string, string> }>('GET', `invoice/${qboId}`)).Invoice;
  const pushed = (type: string, id: string, status = 'pushed') =>
    eventually(async () => {
      const link = await h.link(type, id);
      return link?.status === status && link.qbo_id ? link : undefined;
    }, `${type} ${id} ${status}`, 45_000, h);
  const problem = (id: string, kind: string) =>
    eventually(async () => {
      const p = await h.openProblem(id);
      return p?.kind === kind ? p : undefined;
    }, `problem ${kind} on ${id}`, 45_000, h);

  beforeAll(async () => {
    await h.start();
    await h.connect();
    const accounts = await h.qboQuery<{ Id: string; AccountType: string }>(`select * from Account where AccountType = 'Income'`);
    incomeAccountId = accounts[0].Id;
    for (const [sku, name] of [['SKU-CONSULT', 'Consulting'], ['SKU-LICENSE', 'License']]) {
      await h.qbo('POST', 'item', { Name: name, Sku: sku, Type: 'Service', IncomeAccountRef: { value: incomeAccountId }, UnitPrice: 100 });
    }
    await h.publish(
      buildItemUpserted({ ...t(), data: { id: 'item-consult', sku: 'SKU-CONSULT', name: 'Consulting' } }),
      buildItemUpserted({ ...t(), data: { id: 'item-license', sku: 'SKU-LICENSE', name: 'License' } }),
      buildItemUpserted({ ...t(), data: { id: 'item-nosku', sku: undefined, name: 'Mystery' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-new', displayName: 'Northwind Traders', billingEmail: 'ap@northwind.test' } }),
    );
  });

  afterAll(async () => {
    await h.stop();
  });

  it('connects the tenant to a sandbox company through the real OAuth flow', async () => {
    const connection = await h.call<{ state: string; realmId: string }>('GET', 'connection');
    expect(connection).toMatchObject({ state: 'connected', realmId: h.realmId });
    const sealed = await h.pg.query('select access_token_sealed, refresh_token_sealed from sync.qbo_connection where realm_id = $1', [h.realmId]);
    expect(sealed.rows[0].access_token_sealed).toMatch(/^v1:/); // encrypted at rest, never plaintext
  });

  it('creates an approved invoice once, with its customer created and items matched by SKU, totals to the cent', async () => {
    await h.publish(
      buildInvoiceUpserted({
        ...t(),
        data: {
          id: 'inv-create', number: 'E2E-1001', customerId: 'cus-new', discountTotal: '10.00',
          lines: [{ itemId: 'item-consult', quantity: '3', unitPrice: '333.33' }, { itemId: 'item-license', quantity: '1', unitPrice: '250.00', discountAmount: '25.00' }],
        },
      }),
    );
    const link = await pushed('invoice', 'inv-create');
    const inv = await qboInvoice(link.qbo_id as string);
    expect(usd(inv['TotalAmt'])).toBe('1214.99'); // 999.99 + 225.00 − 10.00
    expect(inv['DocNumber']).toBe('E2E-1001');
    const customers = await h.qboQuery<{ DisplayName: string }>(`select * from Customer where DisplayName = 'Northwind Traders'`);
    expect(customers).toHaveLength(1);
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1001'`)).toHaveLength(1);
    expect(await h.statusEvents('inv-create')).toEqual(['pushed']);
  });

  it('applies partial and full payments with LinkedTxn, leaving the right open balances', async () => {
    await h.publish(
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-pay', number: 'E2E-1002', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '1000.00' }] } }),
      buildPaymentRecorded({ ...t(), data: { id: 'pay-partial', customerId: 'cus-new', amount: '400.00', applications: [{ invoiceId: 'inv-pay', amount: '400.00' }] } }),
    );
    const invLink = await pushed('invoice', 'inv-pay');
    await pushed('payment', 'pay-partial');
    expect(usd((await qboInvoice(invLink.qbo_id as string))['Balance'])).toBe('600.00');
    await h.publish(buildPaymentRecorded({ ...t(), data: { id: 'pay-rest', customerId: 'cus-new', amount: '650.00', applications: [{ invoiceId: 'inv-pay', amount: '600.00' }] } }));
    const payLink = await pushed('payment', 'pay-rest');
    expect(usd((await qboInvoice(invLink.qbo_id as string))['Balance'])).toBe('0.00');
    const payment = (await h.qbo<{ Payment: Record<string, unknown> }>('GET', `payment/${payLink.qbo_id}`)).Payment;
    expect(usd(payment['TotalAmt'])).toBe('650.00');
    expect(usd(payment['UnappliedAmt'])).toBe('50.00');
  });

  it('updates an invoice after a payment bumped its SyncToken (5010 path) and keeps one document', async () => {
    await h.publish(buildInvoiceUpserted({ ...t(), entityVersion: 1, data: { id: 'inv-edit', number: 'E2E-1003', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '2', unitPrice: '100.00' }] } }));
    const link = await pushed('invoice', 'inv-edit');
    await h.publish(buildPaymentRecorded({ ...t(), data: { id: 'pay-edit', customerId: 'cus-new', applications: [{ invoiceId: 'inv-edit', amount: '50.00' }] } }));
    await pushed('payment', 'pay-edit');
    await h.publish(buildInvoiceUpserted({ ...t(), entityVersion: 2, data: { id: 'inv-edit', number: 'E2E-1003', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '3', unitPrice: '100.00' }] } }));
    await eventually(async () => (await h.link('invoice', 'inv-edit'))?.pushed_version === 2, 'update pushed', 45_000, h);
    const inv = await qboInvoice(link.qbo_id as string);
    expect(usd(inv['TotalAmt'])).toBe('300.00');
    expect(usd(inv['Balance'])).toBe('250.00');
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1003'`)).toHaveLength(1);
    expect(await h.statusEvents('inv-edit')).toEqual(['pushed', 'updated']);
  });

  it('voids a cancelled invoice in QuickBooks', async () => {
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-void', number: 'E2E-1004', customerId: 'cus-new', lines: [{ itemId: 'item-license', quantity: '1', unitPrice: '80.00' }] } }));
    const link = await pushed('invoice', 'inv-void');
    await h.publish(buildInvoiceCancelled({ ...t(), entityVersion: 2, data: { id: 'inv-void' } }));
    await pushed('invoice', 'inv-void', 'voided');
    const inv = await qboInvoice(link.qbo_id as string);
    expect(usd(inv['Balance'])).toBe('0.00');
    expect(usd(inv['TotalAmt'])).toBe('0.00');
  });

  it('pushes a credit memo and applies it to its invoice', async () => {
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-cm', number: 'E2E-1005', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '500.00' }] } }));
    const invLink = await pushed('invoice', 'inv-cm');
    await h.publish(
      buildCreditMemoUpserted({ ...t(), data: { id: 'cm-1', number: 'CM-1', customerId: 'cus-new', lines: [{ id: 'l1', itemId: 'item-consult', quantity: '1', unitPrice: '120.00', amount: '120.00' }], total: '120.00', applications: [{ invoiceId: 'inv-cm', amount: '120.00' }] } }),
    );
    await pushed('credit-memo', 'cm-1');
    expect(usd((await qboInvoice(invLink.qbo_id as string))['Balance'])).toBe('380.00');
  });

  it('matches an existing QuickBooks customer by billing email instead of creating one', async () => {
    const existing = (await h.qbo<{ Customer: { Id: string } }>('POST', 'customer', { DisplayName: 'Contoso Ltd (QBO)', PrimaryEmailAddr: { Address: 'billing@contoso.test' } })).Customer;
    await h.publish(
      buildCustomerUpserted({ ...t(), data: { id: 'cus-contoso', displayName: 'Contoso', billingEmail: 'billing@contoso.test' } }),
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-contoso', number: 'E2E-1006', customerId: 'cus-contoso', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '10.00' }] } }),
    );
    const link = await pushed('invoice', 'inv-contoso');
    expect((await qboInvoice(link.qbo_id as string))['CustomerRef']).toMatchObject({ value: existing.Id });
    expect(await h.qboQuery(`select * from Customer where DisplayName = 'Contoso'`)).toHaveLength(0);
  });

  it('raises duplicate_match when several QuickBooks customers share the email, and resyncs after a manual mapping', async () => {
    const a = (await h.qbo<{ Customer: { Id: string } }>('POST', 'customer', { DisplayName: 'Fabrikam East', PrimaryEmailAddr: { Address: 'ap@fabrikam.test' } })).Customer;
    await h.qbo('POST', 'customer', { DisplayName: 'Fabrikam West', PrimaryEmailAddr: { Address: 'ap@fabrikam.test' } });
    await h.publish(
      buildCustomerUpserted({ ...t(), data: { id: 'cus-fab', displayName: 'Fabrikam', billingEmail: 'ap@fabrikam.test' } }),
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-fab', number: 'E2E-1007', customerId: 'cus-fab', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '10.00' }] } }),
    );
    const p = await problem('inv-fab', 'duplicate_match');
    expect(p.reason).toContain('ap@fabrikam.test');
    await h.call('PUT', 'mappings/customers/cus-fab', { qboId: a.Id });
    const link = await pushed('invoice', 'inv-fab');
    expect((await qboInvoice(link.qbo_id as string))['CustomerRef']).toMatchObject({ value: a.Id });
    expect(await h.openProblem('inv-fab')).toBeUndefined();
  });

  it('raises duplicate_name (6240) naming the clashing QuickBooks customer', async () => {
    await h.qbo('POST', 'customer', { DisplayName: 'Globex Corporation', PrimaryEmailAddr: { Address: 'someone@else.test' } });
    await h.publish(
      buildCustomerUpserted({ ...t(), data: { id: 'cus-globex', displayName: 'Globex Corporation', billingEmail: 'ar@globex.test' } }),
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-globex', number: 'E2E-1008', customerId: 'cus-globex', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '10.00' }] } }),
    );
    const p = await problem('inv-globex', 'duplicate_name');
    expect(p.reason).toContain('Globex Corporation');
    expect(p.qbo_code).toBe('6240');
  });

  it('raises missing_sku for an item without a SKU', async () => {
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-nosku', number: 'E2E-1009', customerId: 'cus-new', lines: [{ itemId: 'item-nosku', quantity: '1', unitPrice: '10.00' }] } }));
    const p = await problem('inv-nosku', 'missing_sku');
    expect(p.reason).toContain('Mystery');
  });

  it('does not send a transaction dated on or before the book close date: closed_period', async () => {
    await h.control('PUT', `realms/${h.realmId}/book-close-date`, { date: '2026-09-30' });
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-closed', number: 'E2E-1010', customerId: 'cus-new', issueDate: '2026-09-15', dueDate: '2026-10-15', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '10.00' }] } }));
    const p = await problem('inv-closed', 'closed_period');
    expect(p.reason).toContain('2026-09-30');
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1010'`)).toHaveLength(0);
  });

  it('never sends a transaction before the in-sync point (no-go), and skips it', async () => {
    await h.call('PUT', 'in-sync-point', { date: '2026-08-01' });
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-old', number: 'E2E-1011', customerId: 'cus-new', issueDate: '2026-07-20', dueDate: '2026-08-20', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '10.00' }] } }));
    await eventually(async () => (await h.link('invoice', 'inv-old'))?.status === 'skipped', 'skipped', 30_000, h);
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1011'`)).toHaveLength(0);
    await h.call('PUT', 'in-sync-point', { date: null });
  });

  it('clears a problem (kept in history), and marks an invoice paid without syncing', async () => {
    const missing = await problem('inv-nosku', 'missing_sku');
    const cleared = await h.call<{ syncStatus: string; problem: { state: string } }>('POST', `problems/${missing.id}/clear`);
    expect(cleared.syncStatus).toBe('cleared');
    expect(cleared.problem.state).toBe('cleared');
    const again = await h.call<{ syncStatus: string }>('POST', `problems/${missing.id}/clear`);
    expect(again.syncStatus).toBe('cleared');
    expect((await h.statusEvents('inv-nosku')).filter((s) => s === 'cleared')).toHaveLength(1); // idempotent: one event

    const closed = await problem('inv-closed', 'closed_period');
    const paid = await h.call<{ syncStatus: string }>('POST', `problems/${closed.id}/mark-paid`);
    expect(paid.syncStatus).toBe('marked_paid');
    const actions = await h.pg.query(`select action, actor from sync.problem_action where tenant_id = $1 and source_id in ('inv-nosku', 'inv-closed') order by id`, [h.tenantId]);
    expect(actions.rows).toEqual([
      { action: 'clear', actor: 'key_e2e' },
      { action: 'mark_paid', actor: 'key_e2e' },
    ]);
  });

  it('removes and overrides the stored QuickBooks id', async () => {
    const original = await pushed('invoice', 'inv-create');
    const removed = await h.call<{ qboId: string | null }>('DELETE', 'links/invoice/inv-create');
    expect(removed.qboId).toBeNull();
    // The next sync re-matches: the earlier document (DocNumber + Arbiter marker) is found again, not duplicated.
    const relinked = await pushed('invoice', 'inv-create');
    expect(relinked.qbo_id).toBe(original.qbo_id);
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1001'`)).toHaveLength(1);

    // Override: a person says "this QuickBooks record is the one"; the next sync updates that record.
    const customer = (await h.qboQuery<{ Id: string }>(`select * from Customer where DisplayName = 'Northwind Traders'`))[0];
    const items = await h.qboQuery<{ Id: string }>(`select * from Item where Sku = 'SKU-CONSULT'`);
    const target = (await h.qbo<{ Invoice: { Id: string } }>('POST', 'invoice', {
      DocNumber: 'MANUAL-1', CustomerRef: { value: customer.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 1, SalesItemLineDetail: { ItemRef: { value: items[0].Id }, Qty: 1, UnitPrice: 1 } }],
    })).Invoice;
    const overridden = await h.call<{ qboId: string }>('PUT', 'links/invoice/inv-create', { qboId: target.Id });
    expect(overridden.qboId).toBe(target.Id);
    // The original document still holds E2E-1001, so QuickBooks refuses the update (6140): a person decides.
    const p = await problem('inv-create', 'duplicate_doc_number');
    expect(p.reason).toContain('E2E-1001');
    expect((await h.link('invoice', 'inv-create'))?.qbo_id).toBe(target.Id);
    expect(usd((await qboInvoice(target.Id))['TotalAmt'])).toBe('1.00'); // untouched
  });

  it('treats redelivered and stale events as no-ops, and dead-letters malformed ones', async () => {
    const v3 = buildInvoiceUpserted({ ...t(), entityVersion: 3, data: { id: 'inv-edit', number: 'E2E-1003', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '4', unitPrice: '100.00' }] } });
    await h.publish(v3, v3);
    await h.publish(buildInvoiceUpserted({ ...t(), entityVersion: 1, data: { id: 'inv-edit', number: 'E2E-1003', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '9', unitPrice: '100.00' }] } }));
    await h.publishRaw(Topics.SourceInvoices, `${h.tenantId}:inv-bad`, JSON.stringify({ eventType: 'invoice.upserted', tenantId: h.tenantId, data: { total: 12.5 } }));
    await eventually(async () => (await h.link('invoice', 'inv-edit'))?.pushed_version === 3, 'v3 pushed', 45_000, h);
    const outcomes = await h.pg.query(`select outcome, count(*)::int as n from sync.inbound_event where tenant_id = $1 and entity_id = 'inv-edit' group by outcome order by outcome`, [h.tenantId]);
    expect(outcomes.rows).toEqual([
      { outcome: 'applied', n: 3 },
      { outcome: 'stale', n: 1 },
    ]);
    expect(usd((await qboInvoice((await h.link('invoice', 'inv-edit'))?.qbo_id as string))['TotalAmt'])).toBe('400.00');
  });
  it('resyncs a reconciliation finding by sending the already-pushed version again, undoing an edit made in QuickBooks', async () => {
    await h.publish(buildInvoiceUpserted({ ...t(), data: { id: 'inv-drift', number: 'E2E-1012', customerId: 'cus-new', lines: [{ itemId: 'item-consult', quantity: '7', unitPrice: '100.00' }] } }));
    const link = await pushed('invoice', 'inv-drift');
    await h.control('POST', `realms/${h.realmId}/user/invoices/${link.qbo_id}/edit`, { amount: '650.00' }); // a QuickBooks user edits it
    expect(usd((await qboInvoice(link.qbo_id as string))['TotalAmt'])).toBe('650.00');
    const finding = { eventId: randomUUID(), tenantId: h.tenantId, runId: 'run-drift', kind: 'amount_mismatch', sourceId: 'inv-drift', qboId: link.qbo_id, sourceAmount: '700.00', qboAmount: '650.00', difference: '50.00' };
    await h.publishRaw(Topics.ReconDiscrepancies, `${h.tenantId}:inv-drift`, JSON.stringify(finding));
    const p = await problem('inv-drift', 'reconciliation_difference');
    expect(link.pushed_version).toBe(1); // the version QuickBooks drifted from is the one already pushed

    await h.call('POST', `problems/${p.id}/resync`);
    await eventually(async () => usd((await qboInvoice(link.qbo_id as string))['TotalAmt']) === '700.00', 'QuickBooks put back to 700.00', 30_000, h);
    await eventually(async () => (await h.openProblem('inv-drift')) === undefined, 'problem resolved', 30_000, h);
    expect(await h.link('invoice', 'inv-drift')).toMatchObject({ status: 'updated', qbo_id: link.qbo_id, pushed_version: 1 });
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'E2E-1012'`)).toHaveLength(1);
  });
});
