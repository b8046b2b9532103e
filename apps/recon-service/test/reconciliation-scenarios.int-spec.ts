import { ReconCompletedV1, Topics } from '@arbiter/contracts';
import { ensureDebianPackages, kafkaBrokersFromEnv } from '@arbiter/dev-infra';
import { generateReceivablesMonth } from '@arbiter/testing';
import type { INestApplication } from '@nestjs/common';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Consumer, Kafka } from 'kafkajs';
import { QboRateLimitedError } from '@arbiter/qbo-client';
import { ReconError } from '../src/errors';
import type { QboCompanies, QboReader } from '../src/qbo/qbo-companies';
import { ReconScheduler } from '../src/schedule/recon-scheduler';
import { FakeQboBooks } from './support/fake-qbo-books';
import { mirrorMonth } from './support/mirror-month';
import { defined, eventually, FakeCompanies, finishedRun, migratedDatabase, reconConfig, type ReconDatabaseFixture, startRecon } from './support/recon-harness';
import { SourceLedger } from './support/source-ledger';

const AS_OF = '2026-10-31';

/** Independent of the domain: days past due into the default buckets, by UTC calendar arithmetic. */
function bucketOf(due: string, asOf = AS_OF): string {
  const days = (Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000;
  return days <= 0 ? 'current' : days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '91+';
}
/** Exact cents of a decimal string, with BigInt (test arithmetic, independent of the domain). */
const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const units = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return amount.startsWith('-') ? -units : units;
};
const text = (units: bigint): string => {
  const abs = units < 0n ? -units : units;
  return `${units < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/** Succeeds for the request, then says the tenant is disconnected, as when someone disconnects QuickBooks mid-run. */
class DisconnectingCompanies implements QboCompanies {
  private calls = 0;
  constructor(private readonly inner: QboCompanies, private readonly tenantId: string) {}
  async companyFor(tenantId: string): Promise<QboReader> {
    if (tenantId === this.tenantId && this.calls++ > 0) throw new ReconError('TENANT_NOT_CONNECTED', `tenant ${tenantId} is not connected to QuickBooks (state disconnected)`);
    return this.inner.companyFor(tenantId);
  }
}

describe('recon-service scenarios: a generated month, the in-sync point, tolerance, QuickBooks against itself, failures, the schedule', () => {
  let fixture: ReconDatabaseFixture;
  let app: INestApplication;
  let url: string;
  let consumer: Consumer;
  const events: Array<{ topic: string; value: Record<string, unknown> }> = [];
  const companies = new FakeCompanies();
  const api = (path: string, init?: RequestInit) => fetch(`${url}/internal/v1/tenants/${path}`, init);
  const start = async (tenantId: string, body: Record<string, unknown> = { asOf: AS_OF }) => {
    const res = await api(`${tenantId}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const discrepanciesOf = async (tenantId: string, runId: string) =>
    ((await (await api(`${tenantId}/reconciliations/${runId}/discrepancies?limit=500`)).json()) as { items: Array<Record<string, string | null>> }).items;
  const ledgerFor = async (tenantId: string, books: FakeQboBooks) => {
    const ledger = new SourceLedger(fixture.pg, tenantId);
    await ledger.connect(books.realmId);
    companies.byTenant.set(tenantId, books.reader());
    return ledger;
  };

  beforeAll(async () => {
    ensureDebianPackages(['poppler-utils'], 'this suite reads the audit PDF with pdftotext', () => spawnSync('pdftotext', ['-v']).status === 0);
    fixture = await migratedDatabase('recon_scenarios');
    const kafka = new Kafka({ clientId: 'recon-scenarios-spec', brokers: kafkaBrokersFromEnv() });
    consumer = kafka.consumer({ groupId: `recon-scenarios-${process.pid}-${Date.now()}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.ReconCompleted], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void events.push({ topic, value: JSON.parse(String(message.value)) }) });
    ({ app, url } = await startRecon(reconConfig(fixture.db.url, { RECON_RETRY_BASE_MS: '200' }), new DisconnectingCompanies(companies, 'gone-co')));
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
    await fixture?.close();
  });

  it('reconciles a generated month: the platform side equals the generator’s own open receivables, and each QuickBooks user’s change is found', async () => {
    const month = generateReceivablesMonth({ seed: 'recon-month', tenantId: 'month-co', customerCount: 25, invoiceCount: 160, backlogInvoiceCount: 70 });
    const books = new FakeQboBooks('1234500001');
    const ledger = await ledgerFor('month-co', books);
    const { invoiceIds, customerIds } = await mirrorMonth(month, ledger, books);

    // QuickBooks users drift the books: a payment received only in QuickBooks, an edited amount, a void, a clashing customer.
    const open = month.openInvoices.filter((i) => cents(i.open) >= 20_000n);
    const [paid, edited, voided] = [open[0], open[1], defined(open.find((i, n) => n > 1 && i.open === i.total), 'an unpaid invoice')];
    books.addPayment({ customerId: defined(customerIds.get(paid.customerId), 'a customer'), txnDate: '2026-10-28', total: '100.00', lines: [{ invoiceId: defined(invoiceIds.get(paid.invoiceId), 'an invoice'), amount: '100.00' }] });
    const editedInvoice = defined(books.invoices.find((i) => i.Id === invoiceIds.get(edited.invoiceId)), 'the edited invoice');
    editedInvoice.TotalAmt = text(cents(defined(editedInvoice.TotalAmt, 'TotalAmt')) + 25_00n);
    editedInvoice.Balance = text(cents(defined(editedInvoice.Balance, 'Balance')) + 25_00n);
    books.voidInvoice(defined(invoiceIds.get(voided.invoiceId), 'the voided invoice'));
    const clash = books.addCustomer(`${month.customers[0].data.displayName} (2)`);
    books.addInvoice({ customerId: clash.Id, docNumber: '1001', txnDate: '2026-10-20', dueDate: '2026-11-19', total: '500.00' });

    const runId = await start('month-co');
    const run = await finishedRun(url, 'month-co', runId);

    // The platform side, from the generator's expectations alone.
    const dateOf = new Map<string, string>([...month.payments.map((p) => [p.data.id, p.data.receivedOn] as const), ...month.creditMemos.map((c) => [c.data.id, c.data.issueDate] as const)]);
    const sourceItems: Array<[bigint, string]> = [
      ...month.openInvoices.map((i) => [cents(i.open), i.dueDate] as [bigint, string]),
      ...month.unappliedCredits.map((c) => [-cents(c.amount), defined(dateOf.get(c.sourceId), 'a credit date')] as [bigint, string]),
    ];
    const expectedSource = ['current', '1-30', '31-60', '61-90', '91+'].map((b) => text(sourceItems.filter(([, due]) => bucketOf(due) === b).reduce((s, [a]) => s + a, 0n)));
    expect((run['buckets'] as Array<{ source: string }>).map((b) => b.source)).toEqual(expectedSource);
    const totalSource = sourceItems.reduce((s, [a]) => s + a, 0n);
    expect((run['totals'] as { source: string }).source).toBe(text(totalSource));
    const expectedDifference = 100_00n - 25_00n + cents(voided.open) - 500_00n;
    expect((run['totals'] as { difference: string }).difference).toBe(text(expectedDifference));

    const found = (await discrepanciesOf('month-co', runId)).map((d) => [d['kind'], d['sourceId'], d['difference']]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['balance_mismatch', paid.invoiceId, '100.00'],
        ['amount_mismatch', edited.invoiceId, '-25.00'],
        ['voided_in_qbo', voided.invoiceId, voided.open],
        ['missing_in_source', null, '-500.00'],
      ]),
    );
    expect(found).toHaveLength(4);
    expect(run['findings']).toEqual([]);
    expect(run['status']).toBe('out_of_sync');
  });

  it('honours the in-sync point: documents before it are compared only as opening-balance totals per customer and bucket', async () => {
    const books = new FakeQboBooks('1234500002');
    const ledger = await ledgerFor('cutover-co', books);
    await ledger.inSyncPoint('2026-09-01');
    books.addCustomer('Alpha', '58');
    books.addCustomer('Beta', '59');
    await ledger.customer('cus-a', 'Alpha', '58');
    await ledger.customer('cus-b', 'Beta', '59');
    // Before the cut-over, never pushed: the platform's opening balance; QuickBooks holds its own opening documents.
    await ledger.invoice({ id: 'old-a', customerId: 'cus-a', issueDate: '2026-06-10', dueDate: '2026-07-10', total: '400.00' });
    await ledger.invoice({ id: 'old-b', customerId: 'cus-b', issueDate: '2026-07-01', dueDate: '2026-07-31', total: '300.00' });
    await ledger.payment({ id: 'old-pay', customerId: 'cus-b', receivedOn: '2026-08-01', amount: '100.00', applications: [{ invoiceId: 'old-b', amount: '100.00' }] });
    books.addInvoice({ customerId: '58', docNumber: 'OB-1', txnDate: '2026-06-10', dueDate: '2026-07-10', total: '400.00' });
    books.addInvoice({ customerId: '59', docNumber: 'OB-2', txnDate: '2026-07-01', dueDate: '2026-07-31', total: '250.00' });
    // Before the cut-over but marked go, and pushed: compared document by document.
    const goId = books.addInvoice({ customerId: '58', docNumber: 'INV-G', txnDate: '2026-08-15', dueDate: '2026-09-14', total: '120.00' }).Id;
    await ledger.invoice({ id: 'inv-g', number: 'INV-G', customerId: 'cus-a', issueDate: '2026-08-15', dueDate: '2026-09-14', total: '120.00', export: 'go', qboId: goId });
    // After the cut-over.
    const newId = books.addInvoice({ customerId: '58', docNumber: 'INV-N', txnDate: '2026-10-01', dueDate: '2026-10-31', total: '500.00' }).Id;
    await ledger.invoice({ id: 'inv-n', number: 'INV-N', customerId: 'cus-a', issueDate: '2026-10-01', dueDate: '2026-10-31', total: '500.00', qboId: newId });
    await ledger.invoice({ id: 'inv-nb', number: 'INV-NB', customerId: 'cus-b', issueDate: '2026-09-10', dueDate: '2026-10-10', total: '80.00' });
    await ledger.invoice({ id: 'inv-x', number: 'INV-X', customerId: 'cus-b', issueDate: '2026-10-05', dueDate: '2026-11-04', total: '999.00', export: 'no_go' });

    const runId = await start('cutover-co');
    const run = await finishedRun(url, 'cutover-co', runId);

    expect(run['inSyncPoint']).toBe('2026-09-01');
    expect((await discrepanciesOf('cutover-co', runId)).map((d) => [d['kind'], d['customerId'], d['sourceId'], d['sourceAmount'], d['qboAmount'], d['difference'], d['bucket']])).toEqual([
      ['missing_in_qbo', 'cus-b', 'inv-nb', '80.00', null, '80.00', '1-30'],
      ['balance_mismatch', 'cus-b', null, '200.00', '250.00', '-50.00', '91+'],
    ]);
    expect(run['opening']).toEqual({ source: '600.00', qbo: '650.00' });
    // The opening payment counts too (its open amount is zero: fully applied).
    expect(run['matching']).toMatchObject({ pairsByPass: { link: 2 }, openingSource: 3, openingQbo: 2 });
    expect(run['totals']).toEqual({ source: '1300.00', qbo: '1270.00', difference: '30.00' });
    expect(bucketOf('2026-07-31')).toBe('91+');
  });

  it('tolerates differences within the tolerance, still counting them, and flags the rest', async () => {
    const books = new FakeQboBooks('1234500003');
    const ledger = await ledgerFor('tolerant-co', books);
    books.addCustomer('Gamma', '70');
    await ledger.customer('cus-g', 'Gamma', '70');
    for (const [id, source, qbo] of [['t-1', '100.00', '100.03'], ['t-2', '50.00', '52.00']]) {
      const qboId = books.addInvoice({ customerId: '70', docNumber: id, txnDate: '2026-10-01', dueDate: '2026-10-31', total: qbo }).Id;
      await ledger.invoice({ id, number: id, customerId: 'cus-g', issueDate: '2026-10-01', dueDate: '2026-10-31', total: source, qboId });
    }
    const strict = await finishedRun(url, 'tolerant-co', await start('tolerant-co'));
    expect(strict['discrepancyCount']).toBe(2);
    const tolerantId = await start('tolerant-co', { asOf: AS_OF, tolerance: '0.05' });
    const tolerant = await finishedRun(url, 'tolerant-co', tolerantId);
    expect(tolerant).toMatchObject({ tolerance: '0.05', discrepancyCount: 1, toleratedDifference: '-0.03', totals: { difference: '-2.03' }, status: 'out_of_sync' });
    expect((await discrepanciesOf('tolerant-co', tolerantId)).map((d) => [d['kind'], d['sourceId'], d['difference']])).toEqual([['amount_mismatch', 't-2', '-2.00']]);
  });

  it('reports QuickBooks’ AgedReceivables disagreeing with its own entities as a finding, in the run and in the PDF', async () => {
    const books = new FakeQboBooks('1234500004');
    const ledger = await ledgerFor('report-co', books);
    books.addCustomer('Delta', '80');
    await ledger.customer('cus-d', 'Delta', '80');
    const qboId = books.addInvoice({ customerId: '80', docNumber: 'D-1', txnDate: '2026-09-01', dueDate: '2026-10-01', total: '640.00' }).Id;
    await ledger.invoice({ id: 'd-1', number: 'D-1', customerId: 'cus-d', issueDate: '2026-09-01', dueDate: '2026-10-01', total: '640.00', qboId });
    books.reportDrift = [{ customerId: '80', bucket: 1, amount: '15.00' }];

    const runId = await start('report-co');
    const run = await finishedRun(url, 'report-co', runId);

    expect(run['status']).toBe('in_sync');
    expect(run['findings']).toEqual([
      expect.objectContaining({
        kind: 'qbo_report_mismatch',
        details: expect.objectContaining({ count: 1, net: '15.00', cells: [{ qboCustomerId: '80', bucket: '1-30', report: '655.00', entities: '640.00', difference: '15.00' }] }),
      }),
    ]);
    const pdf = Buffer.from(await (await api(`report-co/reconciliations/${runId}/report.pdf`)).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'recon-pdf-'));
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const pdfText = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    expect(pdfText).toContain('IN SYNC');
    expect(pdfText).toContain('qbo_report_mismatch');
    expect(pdfText).toMatch(/report 655\.00, entities 640\.00/);
  });

  it('fails a run loudly when QuickBooks is disconnected under it: state failed, the reason kept, no report, a failed event', async () => {
    const books = new FakeQboBooks('1234500005');
    const ledger = await ledgerFor('gone-co', books);
    await ledger.customer('cus-z', 'Zeta');
    const runId = await start('gone-co');
    const run = await finishedRun(url, 'gone-co', runId);

    expect(run).toMatchObject({ state: 'failed', status: null, failure: { code: 'TENANT_NOT_CONNECTED' }, reportSha256: null });
    const report = await api(`gone-co/reconciliations/${runId}/report.pdf`);
    expect(report.status).toBe(409);
    expect(((await report.json()) as { code: string }).code).toBe('REPORT_NOT_READY');
    const event = await eventually(async () => events.find((e) => e.value['runId'] === runId)?.value);
    expect(ReconCompletedV1.parse(event)).toMatchObject({ status: 'failed', tenantId: 'gone-co' });
  });

  it('retries a transient QuickBooks failure later and completes, counting the attempt', async () => {
    const books = new FakeQboBooks('1234500006');
    const ledger = await ledgerFor('flaky-co', books);
    books.addCustomer('Eta', '90');
    await ledger.customer('cus-e', 'Eta', '90');
    const qboId = books.addInvoice({ customerId: '90', docNumber: 'E-1', txnDate: '2026-10-01', dueDate: '2026-10-31', total: '10.00' }).Id;
    await ledger.invoice({ id: 'e-1', number: 'E-1', customerId: 'cus-e', issueDate: '2026-10-01', dueDate: '2026-10-31', total: '10.00', qboId });
    let throttled = 0;
    books.beforeQuery = async (statement) => {
      if (statement.includes('FROM Invoice') && throttled++ === 0) throw new QboRateLimitedError({ realmId: books.realmId, code: '3001', httpStatus: 429 });
    };

    const run = await finishedRun(url, 'flaky-co', await start('flaky-co'));

    expect(run).toMatchObject({ state: 'completed', status: 'in_sync', attempts: 1, lastError: expect.stringContaining('QboRateLimitedError') });
  });

  it('lets the database hold one running run per tenant', async () => {
    const insert = (id: string, state: string) =>
      fixture.pg.query(
        `insert into recon.run (id, tenant_id, as_of, aging_basis, period_days, period_count, tolerance, trigger, state, phase)
         values ($1, 'solo-co', '2026-10-31', 'due_date', 30, 4, 0, 'api', $2, 'load_source')`,
        [id, state],
      );
    // Inside a transaction that is rolled back, so the worker never sees these rows.
    await fixture.pg.query('begin');
    try {
      await insert('00000000-0000-4000-8000-000000000001', 'running');
      await expect(insert('00000000-0000-4000-8000-000000000002', 'running')).rejects.toThrow(/run_one_running_per_tenant/);
    } finally {
      await fixture.pg.query('rollback');
    }
  });

  it('queues one scheduled run per connected tenant and schedule minute, as of the day before, however often it fires', async () => {
    const scheduler = app.get(ReconScheduler);
    const slot = new Date('2026-11-01T02:00:00Z');
    const connected = Number((await fixture.pg.query(`select count(*) from sync.tenant_connection where state = 'connected'`)).rows[0].count);
    expect(await scheduler.fire(slot)).toBe(connected);
    expect(await scheduler.fire(slot)).toBe(0);
    const runs = await fixture.pg.query(`select tenant_id, to_char(as_of, 'YYYY-MM-DD') as as_of, trigger from recon.run where schedule_slot = $1`, [slot.toISOString()]);
    expect(runs.rows).toHaveLength(connected);
    expect(new Set(runs.rows.map((r) => `${r.as_of}/${r.trigger}`))).toEqual(new Set(['2026-10-31/schedule']));
    await eventually(async () => {
      const pending = await fixture.pg.query(`select count(*) from recon.run where state in ('queued', 'running')`);
      return Number(pending.rows[0].count) === 0 ? true : undefined;
    }, 120_000, 'scheduled runs finished');
  });
});
