import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { FakeQboBooks } from './support/fake-qbo-books';
import { defined, FakeCompanies, finishedRun, migratedDatabase, reconConfig, type ReconDatabaseFixture, startRecon } from './support/recon-harness';
import { SourceLedger } from './support/source-ledger';

const AS_OF = '2026-10-31';
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const text = (units: bigint): string => {
  const abs = units < 0n ? -units : units;
  return `${units < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/** A random ledger: invoices (some partly paid on the platform, in QuickBooks, or both) with every kind of drift. */
const ledgerArb = fc.array(
  fc.record({
    customer: fc.integer({ min: 1, max: 4 }),
    totalCents: fc.bigInt({ min: 1n, max: 10n ** 8n }),
    issuedDaysAgo: fc.integer({ min: 0, max: 180 }),
    terms: fc.constantFrom(0, 15, 30, 60),
    paidPermille: fc.constantFrom(0, 0, 250, 1000),
    drift: fc.constantFrom('none', 'none', 'missing', 'amount', 'paid_in_qbo', 'void', 'due', 'duplicate', 'customer', 'unlinked'),
  }),
  { minLength: 1, maxLength: 25 },
);

describe('the tie-out holds through the whole pipeline (PostgreSQL, QuickBooks pull, compare, store) on random ledgers', () => {
  let fixture: ReconDatabaseFixture;
  let app: INestApplication;
  let url: string;
  const companies = new FakeCompanies();
  let tenantNo = 0;

  beforeAll(async () => {
    fixture = await migratedDatabase('recon_property');
    ({ app, url } = await startRecon(reconConfig(fixture.db.url, { RECON_CONCURRENCY: '4' }), companies));
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it('Σ source − Σ QuickBooks = Σ bucket differences = Σ discrepancies, to the cent, with each side as built', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (documents) => {
        const tenantId = `prop-${++tenantNo}`;
        const books = new FakeQboBooks(`77000${tenantNo}`);
        const ledger = new SourceLedger(fixture.pg, tenantId);
        await ledger.connect(books.realmId);
        companies.byTenant.set(tenantId, books.reader());
        for (let c = 1; c <= 4; c++) {
          books.addCustomer(`C${c}`, String(500 + c));
          await ledger.customer(`c${c}`, `C${c}`, String(500 + c));
        }
        let sourceSum = 0n;
        let qboSum = 0n;
        for (const [n, doc] of documents.entries()) {
          const issue = addDays(AS_OF, -doc.issuedDaysAgo);
          const due = addDays(issue, doc.terms);
          const total = text(doc.totalCents);
          const paid = (doc.totalCents * BigInt(doc.paidPermille)) / 1000n;
          const qboTotal = doc.drift === 'amount' ? doc.totalCents + 1n : doc.totalCents;
          let qboId: string | undefined;
          if (doc.drift !== 'missing') {
            const customerId = String(500 + (doc.drift === 'customer' ? (doc.customer % 4) + 1 : doc.customer));
            qboId = books.addInvoice({ customerId, docNumber: `N-${n}`, txnDate: issue, dueDate: doc.drift === 'due' ? addDays(due, 45) : due, total: text(qboTotal) }).Id;
            if (doc.drift === 'duplicate') books.addInvoice({ customerId, docNumber: `N-${n}`, txnDate: issue, dueDate: due, total: text(qboTotal) });
            if (paid > 0n) books.addPayment({ customerId, txnDate: issue, total: text(paid), lines: [{ invoiceId: qboId, amount: text(paid) }] });
            if (doc.drift === 'paid_in_qbo' && paid < qboTotal) books.addPayment({ customerId, txnDate: issue, total: text(qboTotal - paid), lines: [{ invoiceId: qboId, amount: text(qboTotal - paid) }] });
            if (doc.drift === 'void') books.voidInvoice(qboId);
          }
          await ledger.invoice({ id: `i-${n}`, number: `N-${n}`, customerId: `c${doc.customer}`, issueDate: issue, dueDate: due, total, qboId: doc.drift === 'unlinked' ? undefined : qboId });
          if (paid > 0n) await ledger.payment({ id: `p-${n}`, customerId: `c${doc.customer}`, receivedOn: issue, amount: text(paid), applications: [{ invoiceId: `i-${n}`, amount: text(paid) }] });
          sourceSum += doc.totalCents - paid;
        }
        // QuickBooks' own A/R: open invoices less unapplied payments (a void leaves its payment unapplied).
        for (const i of books.invoices) qboSum += BigInt(defined(i.Balance, 'Balance').replace('.', ''));
        for (const p of books.payments) qboSum -= BigInt(defined(p.UnappliedAmt, 'UnappliedAmt').replace('.', ''));

        const runId = (await (await fetch(`${url}/internal/v1/tenants/${tenantId}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: AS_OF }) })).json()) as { id: string };
        const run = await finishedRun(url, tenantId, runId.id);

        expect(run['state']).toBe('completed');
        const totals = run['totals'] as { source: string; qbo: string; difference: string };
        expect(totals).toEqual({ source: text(sourceSum), qbo: text(qboSum), difference: text(sourceSum - qboSum) });
        const buckets = run['buckets'] as Array<{ source: string; qbo: string; difference: string }>;
        const units = (s: string) => BigInt(s.replace('.', ''));
        expect(buckets.reduce((sum, b) => sum + units(b.difference), 0n)).toBe(sourceSum - qboSum);
        for (const b of buckets) expect(units(b.difference)).toBe(units(b.source) - units(b.qbo));
        const items = ((await (await fetch(`${url}/internal/v1/tenants/${tenantId}/reconciliations/${runId.id}/discrepancies?limit=500`)).json()) as { items: Array<{ difference: string }> }).items;
        expect(items.reduce((sum, d) => sum + units(d.difference), 0n)).toBe(sourceSum - qboSum);
        expect(run['status']).toBe(items.length === 0 ? 'in_sync' : 'out_of_sync');
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
