import { buildCustomerUpserted, buildInvoiceUpserted, buildItemUpserted, buildPaymentRecorded } from '@arbiter/testing';
import { SyncHarness, eventually } from './sync-harness';

interface Status {
  tenantId: string;
  settled: boolean;
  inbound: { accepted: number; stale: number; duplicate: number; consumerLag: number | null };
  documents: Record<string, { source: number; links: Record<string, number>; openProblems: number; queued: number }>;
  queue: { queued: number; active: number; blocked: number };
  problems: { open: number; byKind: Record<string, number> };
  outbox: { unpublished: number };
}

/**
 * The sync status (GET /api/v1/sync/status through the gateway): counts read from the real pipeline, and `settled`
 * once nothing can move without a person — here a payment that waits on an invoice stopped by a problem.
 */
describe('sync-service status: progress, and when the sync has settled', () => {
  const h = new SyncHarness();
  const t = () => ({ tenantId: h.tenantId });

  beforeAll(async () => {
    await h.start();
    await h.connect();
    const [income] = await h.qboQuery<{ Id: string }>(`select * from Account where AccountType = 'Income'`);
    await h.qbo('POST', 'item', { Name: 'Consulting', Sku: 'SKU-CONSULT', Type: 'Service', IncomeAccountRef: { value: income.Id }, UnitPrice: 100 });
    // A QuickBooks user took the name the platform is about to use.
    await h.control('POST', `realms/${h.realmId}/user/customers`, { displayName: 'Initech', email: 'office@initech.example' });
  }, 120_000);
  afterAll(async () => {
    await h.stop();
  });

  it('counts what arrived and what reached QuickBooks, and settles with the blocked payment still queued', async () => {
    const lines = [{ itemId: 'item-consult', quantity: '2', unitPrice: '100.00' }];
    await h.publish(
      buildItemUpserted({ ...t(), data: { id: 'item-consult', sku: 'SKU-CONSULT', name: 'Consulting' } }),
      buildItemUpserted({ ...t(), data: { id: 'item-gone', sku: 'SKU-GONE', name: 'Discontinued' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-ok', displayName: 'Northwind Traders', billingEmail: 'ap@northwind.example' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-clash', displayName: 'Initech', billingEmail: 'ap@initech.example' } }),
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-ok', customerId: 'cus-ok', lines } }),
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-clash', customerId: 'cus-clash', lines } }),
      // QuickBooks has no item with this SKU: the invoice stops, and the payment applied to it waits for it.
      buildInvoiceUpserted({ ...t(), data: { id: 'inv-stuck', customerId: 'cus-ok', lines: [{ itemId: 'item-gone', quantity: '1', unitPrice: '80.00' }] } }),
      buildPaymentRecorded({ ...t(), data: { id: 'pay-ok', customerId: 'cus-ok', applications: [{ invoiceId: 'inv-ok', amount: '200.00' }] } }),
      buildPaymentRecorded({ ...t(), data: { id: 'pay-stuck', customerId: 'cus-ok', applications: [{ invoiceId: 'inv-stuck', amount: '80.00' }] } }),
    );

    const sut = await eventually(
      async () => {
        const s = await h.call<Status>('GET', 'sync/status');
        return s.settled && s.inbound.accepted === 9 ? s : undefined;
      },
      'a settled status',
      60_000,
      h,
    );

    expect(sut).toMatchObject({
      tenantId: h.tenantId,
      inbound: { accepted: 9, stale: 0, duplicate: 0, consumerLag: 0 },
      queue: { active: 0, blocked: 1, queued: 1 },
      outbox: { unpublished: 0 },
    });
    expect(sut.documents['invoice']).toMatchObject({ source: 3, links: { pushed: 1, failed: 2 }, openProblems: 2, queued: 0 });
    expect(sut.documents['payment']).toMatchObject({ source: 2, openProblems: 0, queued: 1 });
    expect(sut.documents['payment'].links['pushed']).toBe(1);
    expect(sut.documents['customer'].source).toBe(2);
    expect(sut.problems.byKind).toMatchObject({ item_not_found: 2, duplicate_name: expect.any(Number) }); // the item's and the invoice's
    expect(sut.problems.open).toBe(Object.values(sut.problems.byKind).reduce((a, b) => a + b, 0));
  });

  it('answers for one tenant only: another tenant has nothing', async () => {
    const res = await fetch(`${h.syncUrl}/internal/v1/tenants/someone-else/sync/status`);
    const other = (await res.json()) as Status;

    expect(res.status).toBe(200);
    expect(other).toMatchObject({ tenantId: 'someone-else', inbound: { accepted: 0 }, queue: { queued: 0 }, problems: { open: 0 } });
    expect(Object.values(other.documents).every((d) => d.source === 0)).toBe(true);
  });
});
