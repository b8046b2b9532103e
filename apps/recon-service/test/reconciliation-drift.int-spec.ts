import { ReconCompletedV1, ReconDiscrepancyV1, Topics } from '@arbiter/contracts';
import { ensureDebianPackages, kafkaBrokersFromEnv } from '@arbiter/dev-infra';
import type { INestApplication } from '@nestjs/common';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Consumer, Kafka } from 'kafkajs';
import { FakeQboBooks } from './support/fake-qbo-books';
import { defined, eventually, FakeCompanies, finishedRun, migratedDatabase, reconConfig, type ReconDatabaseFixture, startRecon } from './support/recon-harness';
import { SourceLedger } from './support/source-ledger';

const AS_OF = '2026-10-31';
const TENANT = 'drift-co';
const OTHER_TENANT = 'other-co';

/** Independent of the domain: days past due by UTC calendar arithmetic, into Current / 1-30 / 31-60 / 61-90 / 91+. */
function bucketOf(due: string): string {
  const days = (Date.UTC(2026, 9, 31) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000;
  return days <= 0 ? 'current' : days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '91+';
}
const cents = (amount: string) => Math.round(Number(amount) * 100); // test arithmetic only, on small exact amounts
const toText = (units: number) => (units / 100).toFixed(2);
function expectedBuckets(source: Array<[string, string]>, qbo: Array<[string, string]>) {
  return ['current', '1-30', '31-60', '61-90', '91+'].map((bucket) => {
    const s = source.filter(([, due]) => bucketOf(due) === bucket).reduce((sum, [a]) => sum + cents(a), 0);
    const q = qbo.filter(([, due]) => bucketOf(due) === bucket).reduce((sum, [a]) => sum + cents(a), 0);
    return { bucket, source: toText(s), qbo: toText(q), difference: toText(s - q) };
  });
}

describe('recon-service: books that drift in every way', () => {
  let fixture: ReconDatabaseFixture;
  let app: INestApplication;
  let url: string;
  let consumer: Consumer;
  const events: Array<{ topic: string; value: Record<string, unknown> }> = [];
  const books = new FakeQboBooks();
  const companies = new FakeCompanies();
  let runId: string;
  let run: Record<string, unknown>;
  const api = (path: string, init?: RequestInit) => fetch(`${url}/internal/v1/tenants/${path}`, init);

  beforeAll(async () => {
    ensureDebianPackages(['poppler-utils'], 'this suite reads the audit PDF with pdftotext', () => spawnSync('pdftotext', ['-v']).status === 0);
    fixture = await migratedDatabase('recon_drift');
    const ledger = new SourceLedger(fixture.pg, TENANT);
    await ledger.connect(books.realmId);
    for (const [id, name] of [['58', 'Northwind Traders'], ['59', 'Blue Harbor Logistics'], ['60', 'Cedar Health'], ['61', 'Walk-in Customer']]) books.addCustomer(name, id);
    await ledger.customer('cus-a', 'Northwind Traders', '58');
    await ledger.customer('cus-b', 'Blue Harbor Logistics', '59');
    await ledger.customer('cus-c', 'Cedar Health', '60');

    // Each pair: the platform's document and what QuickBooks holds for it (see the expected discrepancies below).
    const q = (o: Parameters<FakeQboBooks['addInvoice']>[0]) => books.addInvoice(o).Id;
    const pushed = async (row: Parameters<SourceLedger['invoice']>[0], qbo: Partial<Parameters<FakeQboBooks['addInvoice']>[0]> = {}) => {
      const id = q({ customerId: { 'cus-a': '58', 'cus-b': '59', 'cus-c': '60' }[row.customerId] as string, docNumber: row.number, txnDate: row.issueDate, dueDate: row.dueDate, total: row.total, ...qbo });
      await ledger.invoice({ ...row, qboId: id });
      return id;
    };
    await pushed({ id: 'inv-ok', number: 'INV-1001', customerId: 'cus-a', issueDate: '2026-10-01', dueDate: '2026-10-31', total: '1200.00' });
    await ledger.invoice({ id: 'inv-missing', number: 'INV-1002', customerId: 'cus-a', issueDate: '2026-10-05', dueDate: '2026-11-04', total: '350.00' });
    q({ customerId: '61', docNumber: 'QB-77', txnDate: '2026-09-10', dueDate: '2026-09-10', total: '80.00' });
    await pushed({ id: 'inv-amount', number: 'INV-1003', customerId: 'cus-b', issueDate: '2026-09-15', dueDate: '2026-10-15', total: '500.00' }, { total: '550.00' });
    const balanceId = await pushed({ id: 'inv-balance', number: 'INV-1004', customerId: 'cus-b', issueDate: '2026-08-01', dueDate: '2026-08-31', total: '900.00' });
    books.addPayment({ customerId: '59', txnDate: '2026-10-20', total: '400.00', lines: [{ invoiceId: balanceId, amount: '400.00' }] });
    await pushed({ id: 'inv-customer', number: 'INV-1005', customerId: 'cus-c', issueDate: '2026-10-10', dueDate: '2026-10-25', total: '300.00' }, { customerId: '58' });
    books.voidInvoice(await pushed({ id: 'inv-voided', number: 'INV-1006', customerId: 'cus-c', issueDate: '2026-07-01', dueDate: '2026-07-31', total: '250.00' }));
    await pushed({ id: 'inv-dup', number: 'INV-1007', customerId: 'cus-a', issueDate: '2026-10-12', dueDate: '2026-11-11', total: '700.00' });
    const duplicate = q({ customerId: '58', docNumber: 'INV-1007', txnDate: '2026-10-13', dueDate: '2026-11-11', total: '700.00' });
    await pushed({ id: 'inv-due', number: 'INV-1008', customerId: 'cus-b', issueDate: '2026-09-01', dueDate: '2026-09-20', total: '150.00' }, { dueDate: '2026-10-20' });
    const ppId = await pushed({ id: 'inv-pp', number: 'INV-1009', customerId: 'cus-a', issueDate: '2026-09-20', dueDate: '2026-10-20', total: '600.00' });
    const pay1 = books.addPayment({ customerId: '58', txnDate: '2026-10-20', total: '1000.00', ref: 'CHK-1', lines: [{ invoiceId: ppId, amount: '600.00' }] });
    await ledger.payment({ id: 'pay-1', customerId: 'cus-a', receivedOn: '2026-10-20', amount: '1000.00', reference: 'CHK-1', qboId: pay1.Id, applications: [{ invoiceId: 'inv-pp', amount: '600.00' }] });
    const cm = books.addCreditMemo({ customerId: '59', docNumber: 'CM-1', txnDate: '2026-10-25', total: '75.00' });
    await ledger.creditMemo({ id: 'cm-1', number: 'CM-1', customerId: 'cus-b', issueDate: '2026-10-25', total: '75.00', qboId: cm.Id });
    await pushed({ id: 'inv-pm', number: 'INV-1010', customerId: 'cus-c', issueDate: '2026-10-01', dueDate: '2026-10-31', total: '120.00' });
    await ledger.payment({ id: 'pay-2', customerId: 'cus-c', receivedOn: '2026-10-28', amount: '120.00', applications: [{ invoiceId: 'inv-pm', amount: '120.00' }] });
    await ledger.invoice({ id: 'inv-draft', number: 'INV-1011', customerId: 'cus-a', issueDate: '2026-10-30', dueDate: '2026-11-30', total: '99.00', status: 'draft' });
    await pushed({ id: 'inv-cancelled', number: 'INV-1012', customerId: 'cus-c', issueDate: '2026-10-02', dueDate: '2026-10-02', total: '60.00', status: 'cancelled' });
    // Issued after the date: on neither side of this run.
    await pushed({ id: 'inv-later', number: 'INV-1013', customerId: 'cus-a', issueDate: '2026-11-02', dueDate: '2026-12-02', total: '5000.00' });
    expect(duplicate).not.toBe('');
    companies.byTenant.set(TENANT, books.reader());

    const kafka = new Kafka({ clientId: 'recon-drift-spec', brokers: kafkaBrokersFromEnv() });
    consumer = kafka.consumer({ groupId: `recon-drift-${Date.now()}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.ReconDiscrepancies, Topics.ReconCompleted], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void events.push({ topic, value: JSON.parse(String(message.value)) }) });

    ({ app, url } = await startRecon(reconConfig(fixture.db.url), companies));
    const res = await api(`${TENANT}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: AS_OF }) });
    expect(res.status).toBe(202);
    runId = ((await res.json()) as { id: string }).id;
    run = await finishedRun(url, TENANT, runId);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
    await fixture?.close();
  });

  it('completes, out of sync, with every bucket as computed by hand and a tie-out to the cent', () => {
    expect(run).toMatchObject({ id: runId, tenantId: TENANT, asOf: AS_OF, agingBasis: 'due_date', state: 'completed', status: 'out_of_sync', realmId: books.realmId, currency: 'USD' });
    expect(run['progress']).toEqual({ done: (run['progress'] as { total: number }).total, total: expect.any(Number) });
    // Open A/R as of the date, (amount, due date), each side as the scenario built it.
    const source: Array<[string, string]> = [
      ['1200.00', '2026-10-31'], ['350.00', '2026-11-04'], ['500.00', '2026-10-15'], ['900.00', '2026-08-31'], ['300.00', '2026-10-25'],
      ['250.00', '2026-07-31'], ['700.00', '2026-11-11'], ['150.00', '2026-09-20'], ['0.00', '2026-10-20'], ['-400.00', '2026-10-20'],
      ['-75.00', '2026-10-25'], ['0.00', '2026-10-31'],
    ];
    const qbo: Array<[string, string]> = [
      ['1200.00', '2026-10-31'], ['80.00', '2026-09-10'], ['550.00', '2026-10-15'], ['500.00', '2026-08-31'], ['300.00', '2026-10-25'],
      ['0.00', '2026-07-31'], ['700.00', '2026-11-11'], ['700.00', '2026-11-11'], ['150.00', '2026-10-20'], ['0.00', '2026-10-20'],
      ['-400.00', '2026-10-20'], ['-75.00', '2026-10-25'], ['120.00', '2026-10-31'], ['60.00', '2026-10-02'], ['0.00', '2026-10-20'],
    ];
    expect(run['buckets']).toEqual(expectedBuckets(source, qbo));
    expect(run['totals']).toEqual({ source: '3875.00', qbo: '3885.00', difference: '-10.00' });
    expect(run['findings']).toEqual([]);
  });

  it('classifies each drift with its kind, amounts and bucket, and an action', async () => {
    const res = await api(`${TENANT}/reconciliations/${runId}/discrepancies?limit=500`);
    const { items, nextCursor } = (await res.json()) as { items: Array<Record<string, string | null>>; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    const found = items.map((d) => [d['kind'], d['sourceId'], d['difference'], d['bucket']]);
    expect(found).toEqual([
      ['missing_in_qbo', 'inv-missing', '350.00', 'current'],
      ['missing_in_source', 'inv-cancelled', '-60.00', '1-30'],
      ['missing_in_source', null, '-80.00', '31-60'],
      ['duplicate_in_qbo', null, '-700.00', 'current'],
      ['voided_in_qbo', 'inv-voided', '250.00', '91+'],
      ['customer_mismatch', 'inv-customer', '0.00', '1-30'],
      ['amount_mismatch', 'inv-amount', '-50.00', '1-30'],
      ['balance_mismatch', 'inv-balance', '400.00', '61-90'],
      ['balance_mismatch', 'inv-pm', '-120.00', 'current'],
      ['bucket_mismatch', 'inv-due', '0.00', '31-60'],
    ]);
    expect(items.find((d) => d['kind'] === 'bucket_mismatch')?.['qboBucket']).toBe('1-30');
    expect(items.find((d) => d['sourceId'] === 'inv-cancelled')?.['note']).toContain('cancelled');
    for (const d of items) expect(d).toMatchObject({ id: expect.any(String), suggestedAction: expect.any(String) });
    expect(run['discrepancyCounts']).toEqual({
      missing_in_qbo: 1,
      missing_in_source: 2,
      duplicate_in_qbo: 1,
      voided_in_qbo: 1,
      customer_mismatch: 1,
      amount_mismatch: 1,
      balance_mismatch: 2,
      bucket_mismatch: 1,
    });
    const byKind = (await (await api(`${TENANT}/reconciliations/${runId}/discrepancies?kind=balance_mismatch&limit=1`)).json()) as { items: unknown[]; nextCursor: string };
    expect(byKind.items).toHaveLength(1);
    const next = (await (await api(`${TENANT}/reconciliations/${runId}/discrepancies?kind=balance_mismatch&limit=1&cursor=${byKind.nextCursor}`)).json()) as { items: Array<{ sourceId: string }>; nextCursor: null };
    expect(next.items.map((d) => d.sourceId)).toEqual(['inv-pm']);
    expect(next.nextCursor).toBeNull();
  });

  it('lists only customers that differ, unless all are asked for', async () => {
    const customers = run['customers'] as Array<{ customerId: string | null; qboCustomerId: string; buckets: Array<{ difference: string }> }>;
    expect(customers.map((c) => [c.customerId, c.qboCustomerId])).toEqual([
      ['cus-a', '58'],
      ['cus-b', '59'],
      ['cus-c', '60'],
      [null, '61'],
    ]);
    const all = (await (await api(`${TENANT}/reconciliations/${runId}?allCustomers=true`)).json()) as { customers: unknown[] };
    expect(all.customers).toHaveLength(4);
  });

  it('publishes every discrepancy and the completion through the broker, each valid against its contract', async () => {
    const mine = await eventually(async () => {
      const forRun = events.filter((e) => e.value['runId'] === runId);
      // Topics and partitions are consumed in no particular order: wait for all of the run's events.
      const all = forRun.some((e) => e.topic === Topics.ReconCompleted) && forRun.filter((e) => e.topic === Topics.ReconDiscrepancies).length >= 10;
      return all ? forRun : undefined;
    });
    const discrepancies = mine.filter((e) => e.topic === Topics.ReconDiscrepancies);
    expect(discrepancies).toHaveLength(10);
    for (const e of discrepancies) expect(ReconDiscrepancyV1.safeParse(e.value).success).toBe(true);
    const completed = defined(mine.find((e) => e.topic === Topics.ReconCompleted), 'a completed event').value;
    expect(ReconCompletedV1.parse(completed)).toMatchObject({ tenantId: TENANT, status: 'out_of_sync', discrepancyCount: 10, reportSha256: run['reportSha256'] });
  });

  it('serves the same PDF and CSV bytes on every download, with their SHA-256, and verifies them', async () => {
    const download = async (format: 'pdf' | 'csv') => {
      const res = await api(`${TENANT}/reconciliations/${runId}/report.${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="reconciliation-${TENANT}-${AS_OF}-.+\\.${format}"`));
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
      return bytes;
    };
    const [pdf1, pdf2, csv1, csv2] = [await download('pdf'), await download('pdf'), await download('csv'), await download('csv')];
    expect(pdf1.equals(pdf2)).toBe(true);
    expect(csv1.equals(csv2)).toBe(true);
    expect(createHash('sha256').update(pdf1).digest('hex')).toBe(run['reportSha256']);
    const csvLines = csv1.toString('utf8').trim().split('\r\n');
    expect(csvLines[0]).toMatch(/^kind,document_type,customer_id/);
    expect(csvLines).toHaveLength(11);

    const verify = (await (await api(`${TENANT}/reconciliations/${runId}/verify`)).json()) as Record<string, unknown>;
    expect(verify).toMatchObject({ valid: true, reportSha256: run['reportSha256'], dataSha256: run['dataSha256'], checks: { reportBytes: true, csvBytes: true, data: true, rerender: true } });
  });

  it('prints in the PDF the totals, verdict, hash and page numbers the run has', async () => {
    const pdf = Buffer.from(await (await api(`${TENANT}/reconciliations/${runId}/report.pdf`)).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'recon-pdf-'));
    writeFileSync(join(dir, 'report.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('OUT OF SYNC');
    expect(text).toContain(TENANT);
    expect(text).toContain(books.realmId);
    expect(text).toContain(runId);
    expect(text).toContain(String(run['dataSha256']));
    const pages = (text.match(/Page \d+ of (\d+)/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    const totalLine = text.split('\n').find((line) => /^\s*Total\s+3875\.00\s+3885\.00\s+-10\.00\s*$/.test(line));
    expect(totalLine).toBeDefined();
    for (const b of run['buckets'] as Array<{ source: string; qbo: string; difference: string }>) expect(text).toMatch(new RegExp(`${b.source}\\s+${b.qbo}\\s+${b.difference}`));
    for (const title of ['Missing in QuickBooks', 'Duplicated in QuickBooks', 'Voided in QuickBooks', 'Aged into another bucket', 'Customers with differences', 'Method']) expect(text).toContain(title);
  });

  it('keeps a finished run, its discrepancies and its reports immutable in the database', async () => {
    await expect(fixture.pg.query(`update recon.run set status = 'in_sync' where id = $1`, [runId])).rejects.toThrow(/immutable/);
    await expect(fixture.pg.query(`delete from recon.discrepancy where run_id = $1`, [runId])).rejects.toThrow(/append-only/);
    await expect(fixture.pg.query(`update recon.report_artifact set bytes = '\\x00' where run_id = $1`, [runId])).rejects.toThrow(/append-only/);
    await expect(fixture.pg.query(`delete from recon.run_item where run_id = $1`, [runId])).rejects.toThrow(/immutable/);
  });

  it('never shows a run to another tenant: 404 problem+json, as for a run that does not exist', async () => {
    for (const path of [`${OTHER_TENANT}/reconciliations/${runId}`, `${OTHER_TENANT}/reconciliations/${runId}/report.pdf`, `${OTHER_TENANT}/reconciliations/${runId}/discrepancies`, `${TENANT}/reconciliations/00000000-0000-4000-8000-000000000000`, `${TENANT}/reconciliations/not-a-run`]) {
      const res = await api(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, code: 'RUN_NOT_FOUND' });
    }
    const list = (await (await api(`${OTHER_TENANT}/reconciliations`)).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('answers a bad request with problem+json naming each bad field', async () => {
    const res = await api(`${TENANT}/reconciliations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: '2026-02-30', agingBasis: 'weekly', tolerance: '-1', colour: 'red' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('INVALID_REQUEST');
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['agingBasis', 'asOf', 'colour', 'tolerance']);
    const list = await api(`${TENANT}/reconciliations?limit=0`);
    expect(list.status).toBe(400);
    expect(((await list.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('query.limit');
    const notConnected = await api(`${OTHER_TENANT}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: AS_OF }) });
    expect(notConnected.status).toBe(409);
    expect(((await notConnected.json()) as { code: string }).code).toBe('TENANT_NOT_CONNECTED');
  });

  it('pages the run list newest first', async () => {
    const res = await api(`${TENANT}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: '2026-10-30' }) });
    const second = ((await res.json()) as { id: string }).id;
    await finishedRun(url, TENANT, second);
    const first = (await (await api(`${TENANT}/reconciliations?limit=1`)).json()) as { items: Array<{ id: string }>; nextCursor: string };
    expect(first.items.map((r) => r.id)).toEqual([second]);
    const rest = (await (await api(`${TENANT}/reconciliations?limit=1&cursor=${first.nextCursor}`)).json()) as { items: Array<{ id: string }>; nextCursor: null };
    expect(rest.items.map((r) => r.id)).toEqual([runId]);
    expect(rest.nextCursor).toBeNull();
  });
});
