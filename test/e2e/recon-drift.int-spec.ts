import { ReconCompletedV1, ReconDiscrepancyV1 } from '@arbiter/contracts';
import { ensureDebianPackages, freePort } from '@arbiter/dev-infra';
import { buildCustomerUpserted, buildInvoiceUpserted, buildItemUpserted, buildPaymentRecorded } from '@arbiter/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { runFromSource, type SourceApp, waitForHealthy } from './run-from-source';
import { eventually, SyncHarness, Topics } from './sync-harness';

/**
 * The whole flow, every piece real: platform events on the broker → sync-service (PostgreSQL) pushes to the
 * QuickBooks sandbox over OAuth → "QuickBooks users" drift the books (the sandbox's control surface and API) →
 * the recon-service, as its own process, reads the sync schema and the sandbox and reconciles → discrepancies and
 * the completion on the broker, the audit PDF. Every expected figure is computed here, not by the domain.
 */
const AS_OF = '2026-11-30';
const IN_SYNC_POINT = '2026-09-01';
const BUCKETS = ['current', '1-30', '31-60', '61-90', '91+'] as const;

/** Days past due as of AS_OF, by UTC calendar arithmetic, into the default 4 × 30-day buckets. */
function bucketOf(due: string): string {
  const days = (Date.parse(`${AS_OF}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000;
  return days <= 0 ? 'current' : days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '91+';
}
/** Exact cents with BigInt: the test's own arithmetic. */
const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const units = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return amount.startsWith('-') ? -units : units;
};
const text = (units: bigint): string => {
  const abs = units < 0n ? -units : units;
  return `${units < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
const sum = (amounts: readonly string[]): bigint => amounts.reduce((total, a) => total + cents(a), 0n);

describe('recon-service over the whole cluster: books drifted by QuickBooks users', () => {
  const h = new SyncHarness();
  const t = () => ({ tenantId: h.tenantId });
  let recon: SourceApp;
  let reconUrl = '';
  let consumer: Consumer;
  const events: Array<{ topic: string; value: Record<string, unknown> }> = [];
  let runId = '';
  let run: Record<string, unknown> = {};
  let discrepancies: Array<Record<string, string | null>> = [];
  const qboId = new Map<string, string>();
  const customerQboId = new Map<string, string>();
  const api = async <T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${reconUrl}/internal/v1/tenants/${h.tenantId}/reconciliations${path}`, init);
    if (res.status >= 300) throw new Error(`recon ${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const pushed = (type: string, id: string) =>
    eventually(async () => {
      const link = await h.link(type, id);
      return link?.status === 'pushed' && link.qbo_id ? link.qbo_id : undefined;
    }, `${type} ${id} pushed`, 60_000, h);

  // Open A/R as of AS_OF per side, as [amount, due date] — what each document should be after the drift.
  const source: Array<[string, string]> = [
    ['1200.00', '2026-11-05'], // INV-2001 in sync
    ['900.00', '2026-10-10'], // INV-2002 paid 400 in QuickBooks only
    ['500.00', '2026-11-20'], // INV-2003 edited to 550 in QuickBooks
    ['250.00', '2026-09-15'], // INV-2004 voided in QuickBooks
    ['700.00', '2026-12-15'], // INV-2005 entered twice in QuickBooks
    ['300.00', '2026-11-25'], // INV-2006 moved to another customer in QuickBooks
    ['150.00', '2026-10-20'], // INV-2007 due date moved in QuickBooks
    ['350.00', '2026-12-01'], // INV-2008 never reached QuickBooks (item without SKU)
    ['400.00', '2026-11-15'], // INV-2009 1000 less a 600 payment, both pushed
    ['0.00', '2026-10-25'], // the 600 payment, fully applied
    ['700.00', '2026-08-20'], // OB-1, opening balance (before the in-sync point, never pushed)
  ];
  const qbo: Array<[string, string]> = [
    ['1200.00', '2026-11-05'],
    ['500.00', '2026-10-10'],
    ['550.00', '2026-11-20'],
    ['0.00', '2026-09-15'],
    ['700.00', '2026-12-15'],
    ['700.00', '2026-12-15'], // the duplicate
    ['300.00', '2026-11-25'],
    ['150.00', '2026-11-20'],
    ['400.00', '2026-11-15'],
    ['0.00', '2026-10-25'],
    ['0.00', '2026-11-10'], // the QuickBooks-only payment, fully applied to INV-2002
    ['80.00', '2026-11-03'], // QB-9001, created in QuickBooks only
    ['650.00', '2026-08-20'], // the accountant's opening balance for Northwind
  ];

  beforeAll(async () => {
    ensureDebianPackages(['poppler-utils'], 'this suite reads the audit PDF with pdftotext', () => spawnSync('pdftotext', ['-v']).status === 0);
    await h.start();
    await h.connect();
    const [income] = await h.qboQuery<{ Id: string }>(`select * from Account where AccountType = 'Income'`);
    const { Item: item } = await h.qbo<{ Item: { Id: string } }>('POST', 'item', { Name: 'Consulting', Sku: 'SKU-CONSULT', Type: 'Service', IncomeAccountRef: { value: income.Id }, UnitPrice: 100 });
    await h.call('PUT', 'in-sync-point', { date: IN_SYNC_POINT });

    const invoice = (id: string, number: string, customerId: string, issueDate: string, dueDate: string, amount: string, itemId = 'item-consult') =>
      buildInvoiceUpserted({ ...t(), data: { id, number, customerId, issueDate, dueDate, lines: [{ itemId, quantity: '1', unitPrice: amount }] } });
    await h.publish(
      buildItemUpserted({ ...t(), data: { id: 'item-consult', sku: 'SKU-CONSULT', name: 'Consulting' } }),
      buildItemUpserted({ ...t(), data: { id: 'item-nosku', sku: undefined, name: 'Mystery' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-a', displayName: 'Northwind Traders', billingEmail: 'ap@northwind.test' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-b', displayName: 'Blue Harbor Logistics', billingEmail: 'ap@blueharbor.test' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-c', displayName: 'Cedar Health', billingEmail: 'ap@cedar.test' } }),
      invoice('inv-ok', 'INV-2001', 'cus-a', '2026-10-06', '2026-11-05', '1200.00'),
      invoice('inv-paid-in-qbo', 'INV-2002', 'cus-b', '2026-09-10', '2026-10-10', '900.00'),
      invoice('inv-edited', 'INV-2003', 'cus-b', '2026-10-21', '2026-11-20', '500.00'),
      invoice('inv-voided', 'INV-2004', 'cus-c', '2026-09-02', '2026-09-15', '250.00'),
      invoice('inv-twice', 'INV-2005', 'cus-a', '2026-11-15', '2026-12-15', '700.00'),
      invoice('inv-moved', 'INV-2006', 'cus-c', '2026-10-26', '2026-11-25', '300.00'),
      invoice('inv-due', 'INV-2007', 'cus-a', '2026-09-20', '2026-10-20', '150.00'),
      invoice('inv-unpushed', 'INV-2008', 'cus-b', '2026-11-01', '2026-12-01', '350.00', 'item-nosku'),
      invoice('inv-paid', 'INV-2009', 'cus-a', '2026-10-16', '2026-11-15', '1000.00'),
      buildPaymentRecorded({ ...t(), data: { id: 'pay-1', customerId: 'cus-a', receivedOn: '2026-10-25', amount: '600.00', applications: [{ invoiceId: 'inv-paid', amount: '600.00' }] } }),
      invoice('inv-opening', 'OB-1', 'cus-a', '2026-08-05', '2026-08-20', '700.00'),
    );
    for (const id of ['inv-ok', 'inv-paid-in-qbo', 'inv-edited', 'inv-voided', 'inv-twice', 'inv-moved', 'inv-due', 'inv-paid']) qboId.set(id, await pushed('invoice', id));
    await pushed('payment', 'pay-1');
    await eventually(async () => (await h.openProblem('inv-unpushed'))?.kind === 'missing_sku', 'INV-2008 parked as missing_sku', 60_000, h);
    await eventually(async () => (await h.link('invoice', 'inv-opening'))?.status === 'skipped', 'OB-1 skipped (no-go)', 60_000, h);
    for (const [id, name] of [['cus-a', 'Northwind Traders'], ['cus-b', 'Blue Harbor Logistics'], ['cus-c', 'Cedar Health']]) {
      const [customer] = await h.qboQuery<{ Id: string }>(`select * from Customer where DisplayName = '${name}'`);
      customerQboId.set(id, customer.Id);
    }

    // The QuickBooks users at work.
    const user = (path: string, body: Record<string, unknown> = {}) => h.control('POST', `realms/${h.realmId}/user/${path}`, body);
    await user('payments', { customerId: customerQboId.get('cus-b'), txnDate: '2026-11-10', applications: [{ invoiceId: qboId.get('inv-paid-in-qbo'), amount: '400.00' }] });
    await user(`invoices/${qboId.get('inv-edited')}/edit`, { amount: '550.00' });
    await user(`invoices/${qboId.get('inv-voided')}/void`);
    await user(`invoices/${qboId.get('inv-due')}/edit`, { dueDate: '2026-11-20' });
    await user('invoices', { customerId: customerQboId.get('cus-c'), docNumber: 'QB-9001', txnDate: '2026-11-03', dueDate: '2026-11-03', amount: '80.00' });
    await user('invoices', { customerId: customerQboId.get('cus-a'), docNumber: 'OB-NW', txnDate: '2026-08-05', dueDate: '2026-08-20', amount: '650.00' });
    // Entered a second time (QuickBooks warns about the number; the user confirms, which the API spells allowduplicatedocnum).
    await h.qbo('POST', 'invoice?include=allowduplicatedocnum', {
      CustomerRef: { value: customerQboId.get('cus-a') }, DocNumber: 'INV-2005', TxnDate: '2026-11-16', DueDate: '2026-12-15',
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 700, SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 700 } }],
    });
    const moved = (await h.qbo<{ Invoice: { SyncToken: string } }>('GET', `invoice/${qboId.get('inv-moved')}`)).Invoice;
    await h.qbo('POST', 'invoice', { Id: qboId.get('inv-moved'), SyncToken: moved.SyncToken, sparse: true, CustomerRef: { value: customerQboId.get('cus-a') } });

    const kafka = new Kafka({ clientId: 'e2e-recon', brokers: h.kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `e2e-recon-${h.tenantId}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.ReconDiscrepancies, Topics.ReconCompleted], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void events.push({ topic, value: JSON.parse(String(message.value)) }) });

    const port = await freePort();
    reconUrl = `http://127.0.0.1:${port}`;
    const reconEnv = {
      ...h.env,
      PORT: String(port),
      DATABASE_URL: h.db.url,
      KAFKA_BROKERS: h.kafkaBrokers.join(','),
      QBO_API_BASE_URL: h.sandboxUrl,
      QBO_OAUTH_BASE_URL: h.sandboxUrl,
      RECON_POLL_INTERVAL_MS: '200',
      LOG_LEVEL: 'info',
    };
    const migrate = runFromSource('recon-service', reconEnv, ['migrate']);
    if ((await migrate.exited) !== 0) throw new Error(`recon migrate failed:\n${migrate.lines.join('\n')}`);
    recon = runFromSource('recon-service', reconEnv);
    await waitForHealthy(reconUrl, recon);

    runId = (await api<{ id: string }>('', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: AS_OF }) })).id;
    run = await eventually(async () => {
      const r = await api(`/${runId}`);
      return r['state'] === 'completed' || r['state'] === 'failed' ? r : undefined;
    }, `run ${runId} finished`, 120_000);
    discrepancies = (await api<{ items: Array<Record<string, string | null>> }>(`/${runId}/discrepancies?limit=500`)).items;
  }, 300_000);

  afterAll(async () => {
    await consumer?.disconnect();
    if (recon && recon.child.exitCode === null) {
      recon.child.kill('SIGTERM');
      await recon.exited;
    }
    await h.stop();
  });

  it('completes out of sync with the bucket totals computed by hand and a tie-out to the cent', () => {
    expect(run).toMatchObject({ id: runId, state: 'completed', status: 'out_of_sync', realmId: h.realmId, currency: 'USD', asOf: AS_OF, inSyncPoint: IN_SYNC_POINT });
    const expected = BUCKETS.map((bucket) => {
      const s = sum(source.filter(([, due]) => bucketOf(due) === bucket).map(([a]) => a));
      const q = sum(qbo.filter(([, due]) => bucketOf(due) === bucket).map(([a]) => a));
      return { bucket, source: text(s), qbo: text(q), difference: text(s - q) };
    });
    expect(run['buckets']).toEqual(expected);
    const [s, q] = [sum(source.map(([a]) => a)), sum(qbo.map(([a]) => a))];
    expect(run['totals']).toEqual({ source: text(s), qbo: text(q), difference: text(s - q) });
    // Σ source − Σ QuickBooks = Σ bucket differences = Σ discrepancies (no tolerance), to the cent.
    expect(text(sum((run['buckets'] as Array<{ difference: string }>).map((b) => b.difference)))).toBe(text(s - q));
    expect(text(sum(discrepancies.map((d) => d['difference'] as string)))).toBe(text(s - q));
    // QuickBooks' own AgedReceivables agrees with its entities: no finding.
    expect(run['findings']).toEqual([]);
  });

  it('classifies every kind of drift, with its amounts and bucket', () => {
    const found = discrepancies
      .map((d) => [d['kind'], d['number'], d['sourceId'], d['sourceAmount'], d['qboAmount'], d['difference'], d['bucket'], d['qboBucket']])
      .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
    expect(found).toEqual([
      ['amount_mismatch', 'INV-2003', 'inv-edited', '500.00', '550.00', '-50.00', '1-30', null],
      ['balance_mismatch', 'INV-2002', 'inv-paid-in-qbo', '900.00', '500.00', '400.00', '31-60', null],
      ['balance_mismatch', null, null, '700.00', '650.00', '50.00', '91+', null], // the opening balance, per customer and bucket
      ['bucket_mismatch', 'INV-2007', 'inv-due', '150.00', '150.00', '0.00', '31-60', '1-30'],
      ['customer_mismatch', 'INV-2006', 'inv-moved', '300.00', '300.00', '0.00', '1-30', null],
      ['duplicate_in_qbo', 'INV-2005', null, null, '700.00', '-700.00', 'current', null],
      ['missing_in_qbo', 'INV-2008', 'inv-unpushed', '350.00', null, '350.00', 'current', null],
      ['missing_in_source', 'QB-9001', null, null, '80.00', '-80.00', '1-30', null],
      ['voided_in_qbo', 'INV-2004', 'inv-voided', '250.00', '0.00', '250.00', '61-90', null],
    ]);
    expect(discrepancies.find((d) => d['kind'] === 'voided_in_qbo')?.['qboId']).toBe(qboId.get('inv-voided'));
    expect(discrepancies.find((d) => d['kind'] === 'customer_mismatch')).toMatchObject({ customerId: 'cus-c', qboCustomerId: customerQboId.get('cus-a') });
    for (const d of discrepancies) expect(d['suggestedAction']).toEqual(expect.any(String));
  });

  it('publishes each discrepancy and the completion on the broker, valid against the contracts', async () => {
    // Topics and partitions are consumed in no particular order: wait for every event of the run, not just the last.
    const mine = await eventually(async () => {
      const forRun = events.filter((e) => e.value['runId'] === runId);
      const all = forRun.some((e) => e.topic === Topics.ReconCompleted) && forRun.filter((e) => e.topic === Topics.ReconDiscrepancies).length >= discrepancies.length;
      return all ? forRun : undefined;
    }, 'discrepancy and completed events', 30_000);
    const published = mine.filter((e) => e.topic === Topics.ReconDiscrepancies);
    expect(published).toHaveLength(discrepancies.length);
    for (const e of published) expect(ReconDiscrepancyV1.safeParse(e.value).success).toBe(true);
    expect(published.map((e) => e.value['kind']).sort()).toEqual(discrepancies.map((d) => d['kind']).sort());
    const completed = ReconCompletedV1.parse(mine.find((e) => e.topic === Topics.ReconCompleted)?.value);
    expect(completed).toMatchObject({ tenantId: h.tenantId, status: 'out_of_sync', discrepancyCount: discrepancies.length, reportSha256: run['reportSha256'] });
    expect(completed.buckets).toEqual(run['buckets']);
  });

  it('prints the same totals in the audit PDF as the run has (pdftotext)', async () => {
    const res = await fetch(`${reconUrl}/internal/v1/tenants/${h.tenantId}/reconciliations/${runId}/report.pdf`);
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'e2e-recon-pdf-'));
    try {
      writeFileSync(join(dir, 'report.pdf'), Buffer.from(await res.arrayBuffer()));
      const pdfText = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
      expect(pdfText).toContain('OUT OF SYNC');
      expect(pdfText).toContain(h.realmId);
      expect(pdfText).toContain(String(run['dataSha256']));
      const totals = run['totals'] as { source: string; qbo: string; difference: string };
      expect(pdfText).toMatch(new RegExp(`^\\s*Total\\s+${totals.source}\\s+${totals.qbo}\\s+${totals.difference}\\s*$`, 'm'));
      for (const b of run['buckets'] as Array<{ source: string; qbo: string; difference: string }>) expect(pdfText).toMatch(new RegExp(`${b.source}\\s+${b.qbo}\\s+${b.difference}`));
      for (const d of discrepancies) if (d['number']) expect(pdfText).toContain(d['number']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
