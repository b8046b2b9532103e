import { type InboundEvent, messageKeyOf, topicForEventType } from '@arbiter/contracts';
import { Money, addDays } from '@arbiter/domain';
import { buildCustomerUpserted, buildInvoiceUpserted, buildItemUpserted, buildPaymentRecorded, seededRandom } from '@arbiter/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { SyncHarness, eventually } from './sync-harness';

/**
 * Crash safety under chaos. While 2,000 invoices and their payments flow through the real broker, the sandbox
 * drops answers after committing the write, returns 5xx and 429 bursts, and the sync-service (a real child
 * process) is SIGKILLed twice mid-flow and started again. Afterwards QuickBooks holds exactly one document per
 * source document, with amounts and balances to the cent, and no problem is left open but the expected one.
 *
 * The load and the faults are random with fixed seeds; the assertions hold for any interleaving.
 */
const INVOICES = 2_000;
const WAVE = 100; // invoices per wave; payments follow two waves later, second payments four waves later
const WAVE_GAP_MS = 1_200;
const SEED = 20_261_207;
const CURRENCY = 'USD' as const;

const usd = (value: unknown) => Money.rounded(String(value), CURRENCY);
const sumOf = (amounts: Money[]) => Money.sum(amounts, CURRENCY);
/** CPU seconds (user + system) a live child process has used so far, from /proc (Linux; 0 elsewhere). */
const cpuSecondsOf = (pid: number | undefined): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
};
const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
};

interface ExpectedInvoice {
  id: string;
  number: string;
  customerId: string;
  total: Money;
  version: number;
}
interface ExpectedPayment {
  id: string;
  customerId: string;
  amount: Money;
  applications: { invoiceId: string; amount: Money }[];
}

/** The platform's side: customers, invoices (some edited once), payments (full, partial, split, overpaid), in waves. */
function generateLoad(tenantId: string) {
  const random = seededRandom(SEED);
  const t = { tenantId };
  const customers = Array.from({ length: 40 }, (_, i) =>
    buildCustomerUpserted({ ...t, data: { id: `cus-${i}`, displayName: `Chaos Customer ${i}`, billingEmail: `ap+chaos${i}@example.test`, currency: CURRENCY } }),
  );
  const items = [
    buildItemUpserted({ ...t, data: { id: 'item-sub', sku: 'CH-SUB', name: 'Subscription' } }),
    buildItemUpserted({ ...t, data: { id: 'item-seat', sku: 'CH-SEAT', name: 'Seat' } }),
    buildItemUpserted({ ...t, data: { id: 'item-hours', sku: 'CH-HOURS', name: 'Hours' } }),
    buildItemUpserted({ ...t, data: { id: 'item-nope', sku: 'CH-NOPE', name: 'Not in QuickBooks' } }),
  ];
  const itemIds = ['item-sub', 'item-seat', 'item-hours'];
  const line = () => ({
    itemId: itemIds[random.int(0, itemIds.length - 1)],
    quantity: String(random.int(1, 5)),
    unitPrice: `${random.int(20, 900)}.${String(random.int(0, 99)).padStart(2, '0')}`,
    ...(random.chance(0.15) ? { discountAmount: `${random.int(1, 4)}.${String(random.int(0, 99)).padStart(2, '0')}` } : {}),
  });

  const waves: InboundEvent[][] = [];
  const at = (wave: number) => (waves[wave] ??= []);
  const invoices = new Map<string, ExpectedInvoice>();
  const payments: ExpectedPayment[] = [];
  for (let i = 0; i < INVOICES; i += 1) {
    const wave = Math.floor(i / WAVE);
    const id = `inv-${i}`;
    const customerId = `cus-${random.int(0, customers.length - 1)}`;
    const issueDate = `2026-11-${String(random.int(1, 28)).padStart(2, '0')}`;
    const base = { id, number: `CH-${i}`, customerId, issueDate, dueDate: addDays(issueDate, 30), currency: CURRENCY };
    const lines = Array.from({ length: random.int(1, 3) }, line);
    const v1 = buildInvoiceUpserted({ ...t, entityVersion: 1, data: { ...base, lines } });
    at(wave).push(v1);
    let latest = v1;
    if (random.chance(0.08)) {
      latest = buildInvoiceUpserted({ ...t, entityVersion: 2, data: { ...base, lines: [...lines, line()] } }); // an edit adds a line: never below what is paid
      at(wave + 1).push(latest);
    }
    invoices.set(id, { id, number: base.number, customerId, total: Money.parse(latest.data.total, CURRENCY), version: latest.entityVersion });

    const v1Total = Money.parse(v1.data.total, CURRENCY);
    const received = (days: number) => addDays(issueDate, days);
    const pay = (wave: number, payId: string, applied: Money, extra = Money.zero(CURRENCY)) => {
      const amount = applied.plus(extra);
      const event = buildPaymentRecorded({
        ...t,
        data: { id: payId, customerId, receivedOn: received(random.int(0, 20)), amount: amount.toString(), currency: CURRENCY, applications: [{ invoiceId: id, amount: applied.toString() }] },
      });
      at(wave).push(event);
      payments.push({ id: payId, customerId, amount, applications: [{ invoiceId: id, amount: applied }] });
    };
    const roll = random.next();
    if (roll < 0.45) pay(wave + 2, `pay-${i}`, v1Total, random.chance(0.1) ? Money.parse('10.00', CURRENCY) : undefined);
    else if (roll < 0.6) pay(wave + 2, `pay-${i}`, Money.rounded(v1Total.amount.times(random.int(10, 90)).div(100), CURRENCY));
    else if (roll < 0.72) {
      const first = Money.rounded(v1Total.amount.times(random.int(20, 80)).div(100), CURRENCY);
      pay(wave + 2, `pay-${i}-a`, first);
      pay(wave + 4, `pay-${i}-b`, v1Total.minus(first));
    }
  }
  // One invoice QuickBooks cannot take (its item's SKU is not there): the one problem expected to stay open.
  const blocked = buildInvoiceUpserted({ ...t, data: { id: 'inv-blocked', number: 'CH-BLOCKED', customerId: 'cus-0', issueDate: '2026-11-15', dueDate: '2026-12-15', lines: [{ itemId: 'item-nope', quantity: '1', unitPrice: '1.00' }] } });
  at(3).push(blocked);
  return { customers, items, waves: Array.from(waves, (w) => w ?? []), invoices, payments };
}

describe('sync-service under chaos: lost answers, 5xx and 429 bursts, two SIGKILLs', () => {
  const h = new SyncHarness();
  const load = generateLoad(h.tenantId);
  const marker = (type: string, id: string) => `arbiter:${h.tenantId}:${type}:${id}`;

  beforeAll(async () => {
    await h.start({ LOG_LEVEL: 'info', QBO_REQUESTS_PER_MINUTE: '20000', PUSH_CONCURRENCY: '40' });
    await h.connect();
    // The realm's own limits stay on but out of the way: the 429s here are the injected bursts.
    await h.control('PUT', `realms/${h.realmId}/limits`, { requestsPerMinute: 20_000, maxInFlight: 10 });
    const [income] = await h.qboQuery<{ Id: string }>(`select * from Account where AccountType = 'Income'`);
    for (const [sku, name] of [['CH-SUB', 'Subscription'], ['CH-SEAT', 'Seat'], ['CH-HOURS', 'Hours']]) {
      await h.qbo('POST', 'item', { Name: name, Sku: sku, Type: 'Service', IncomeAccountRef: { value: income.Id }, UnitPrice: 1 });
    }
    await sendAll([...load.items, ...load.customers]);
  }, 120_000);

  afterAll(async () => {
    if (process.env['SYNC_CHAOS_LOG']) writeFileSync(process.env['SYNC_CHAOS_LOG'], h.sync.lines.join('\n')); // for a look at a failed run
    await h.stop();
  });

  /** Sends in batches per topic (keys keep per-entity order within a partition). */
  async function sendAll(events: InboundEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const e of events) {
      const topic = topicForEventType(e.eventType);
      if (!byTopic.has(topic)) byTopic.set(topic, []);
      byTopic.get(topic)?.push({ key: messageKeyOf(e), value: JSON.stringify(e) });
    }
    await h.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  async function progress(): Promise<{ done: number; queued: number }> {
    const r = await h.pg.query(
      `select
         (select count(*)::int from sync.sync_job where tenant_id = $1) as queued,
         (select count(*)::int from sync.sync_link l join sync.source_invoice s on s.tenant_id = l.tenant_id and s.id = l.source_id
            where l.tenant_id = $1 and l.entity_type = 'invoice' and l.pushed_version = s.version and l.status in ('pushed', 'updated')) +
         (select count(*)::int from sync.sync_link l join sync.source_payment s on s.tenant_id = l.tenant_id and s.id = l.source_id
            where l.tenant_id = $1 and l.entity_type = 'payment' and l.pushed_version = s.version and l.status in ('pushed', 'updated')) as done`,
      [h.tenantId],
    );
    return r.rows[0];
  }

  /** Every document of a kind in the company, through the QuickBooks query API, page by page. */
  async function allOf<T>(entity: string): Promise<T[]> {
    const rows: T[] = [];
    for (let start = 1; ; start += 1000) {
      const page = await h.qboQuery<T>(`select * from ${entity} STARTPOSITION ${start} MAXRESULTS 1000`);
      rows.push(...page);
      if (page.length < 1000) return rows;
    }
  }

  it('converges to exactly one QuickBooks document per source document, amounts and balances to the cent', async () => {
    const expectedDocs = load.invoices.size + load.payments.length;
    const events = load.waves.reduce((n, w) => n + w.length, 0) + load.items.length + load.customers.length;
    const faultIds: string[] = [];
    const addFault = async (rule: Record<string, unknown>) => faultIds.push((await h.control<{ id: string }>('POST', `realms/${h.realmId}/faults`, rule)).id);
    // Steady background faults: answers lost after the write committed, scattered 500s, and a first few 429s.
    await addFault({ kind: 'drop', rate: 0.06, seed: SEED });
    await addFault({ kind: 'status', status: 500, rate: 0.03, seed: SEED + 1 });
    await addFault({ kind: 'throttle', count: 3 });

    const started = Date.now();
    const cpuStarted = process.cpuUsage();
    const kills: { at: number; done: number }[] = [];
    let syncCpuSeconds = 0; // of the killed replicas, read just before each kill
    const sandboxCpuBefore = cpuSecondsOf(h.sandbox.child.pid);
    const killAndRestart = async () => {
      const { done } = await progress();
      kills.push({ at: Date.now() - started, done });
      syncCpuSeconds += cpuSecondsOf(h.sync.child.pid);
      await h.killSync();
      await h.restartSync();
    };

    // The flow: a wave every WAVE_GAP_MS, a half-second 503 burst every other wave, three one-second 429 bursts
    // (every request throttled; the client pauses the realm as QuickBooks asks), the first kill mid-flow. Bursts
    // are timed, not counted, so they do not pile up while the sync-service is down.
    let firstKill: Promise<void> | undefined;
    for (const [i, wave] of load.waves.entries()) {
      await sendAll(wave);
      if (i % 2 === 0) await addFault({ kind: 'status', status: 503, durationMs: 500 });
      if (i % 6 === 4) await addFault({ kind: 'throttle', durationMs: 1_000 });
      if (i === 8) firstKill = killAndRestart();
      await new Promise((r) => setTimeout(r, WAVE_GAP_MS));
    }
    await firstKill;
    // The second kill while the queue drains, once a good part (but not all) of the documents are in QuickBooks.
    await eventually(async () => (await progress()).done >= expectedDocs * 0.6, '60% pushed', 180_000, h);
    await killAndRestart();

    const converged = await eventually(async () => {
      const p = await progress();
      return p.queued === 0 && p.done === expectedDocs ? p : undefined;
    }, 'all documents pushed', 200_000, h);
    const convergedMs = Date.now() - started;
    syncCpuSeconds += cpuSecondsOf(h.sync.child.pid);
    const sandboxCpuSeconds = cpuSecondsOf(h.sandbox.child.pid) - sandboxCpuBefore;
    expect(converged.done).toBe(expectedDocs);

    // What was injected (then off, so the checks below read QuickBooks undisturbed).
    const rules = (await h.control<{ faults: { id: string; kind: string; status?: number; fired: number }[] }>('GET', 'faults')).faults.filter((f) => faultIds.includes(f.id));
    const fired = (pick: (f: { kind: string; status?: number }) => boolean) => rules.filter(pick).reduce((n, f) => n + f.fired, 0);
    const injected = { drops: fired((f) => f.kind === 'drop'), '5xx': fired((f) => f.kind === 'status'), '429': fired((f) => f.kind === 'throttle') };
    await h.control('DELETE', `faults?realmId=${h.realmId}`);
    const stats = await h.control<{ requests: number; replays: number; droppedResponses: number; totalWrites: number }>('GET', `realms/${h.realmId}/stats`);
    const recovered = h.sync.lines.filter((l) => l.includes('found earlier create')).length;
    const cpu = process.cpuUsage(cpuStarted);

    // Exactly one QuickBooks invoice per source invoice (found by its marker), total and balance to the cent.
    const qboInvoices = await allOf<{ Id: string; DocNumber: string; PrivateNote?: string; TotalAmt: string; Balance: string; CustomerRef: { value: string } }>('Invoice');
    const invoicesByMarker = groupBy(qboInvoices, (x) => x.PrivateNote ?? '');
    const paidOn = new Map<string, Money>();
    for (const p of load.payments) for (const a of p.applications) paidOn.set(a.invoiceId, (paidOn.get(a.invoiceId) ?? Money.zero(CURRENCY)).plus(a.amount));
    const mismatches: string[] = [];
    const qboIdOf = new Map<string, string>();
    for (const inv of load.invoices.values()) {
      const found = invoicesByMarker.get(marker('invoice', inv.id)) ?? [];
      if (found.length !== 1) {
        mismatches.push(`${inv.id}: ${found.length} QuickBooks invoices`);
        continue;
      }
      const [doc] = found;
      qboIdOf.set(inv.id, doc.Id);
      const balance = inv.total.minus(paidOn.get(inv.id) ?? Money.zero(CURRENCY));
      if (doc.DocNumber !== inv.number || !usd(doc.TotalAmt).equals(inv.total) || !usd(doc.Balance).equals(balance)) {
        mismatches.push(`${inv.id}: ${doc.DocNumber} total ${doc.TotalAmt} (want ${inv.total}) balance ${doc.Balance} (want ${balance})`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(qboInvoices).toHaveLength(load.invoices.size); // nothing else, no second copy under another marker
    expect(new Set(qboInvoices.map((x) => x.DocNumber)).size).toBe(load.invoices.size);

    // Exactly one QuickBooks payment per source payment, its amount, and applied to the right invoice to the cent.
    const qboPayments = await allOf<{ Id: string; PrivateNote?: string; TotalAmt: string; UnappliedAmt?: string; Line?: { Amount: string; LinkedTxn: { TxnId: string; TxnType: string }[] }[] }>('Payment');
    const paymentsByMarker = groupBy(qboPayments, (x) => x.PrivateNote ?? '');
    for (const p of load.payments) {
      const found = paymentsByMarker.get(marker('payment', p.id)) ?? [];
      if (found.length !== 1) {
        mismatches.push(`${p.id}: ${found.length} QuickBooks payments`);
        continue;
      }
      const [doc] = found;
      const lines = (doc.Line ?? []).map((l) => `${l.LinkedTxn.map((x) => `${x.TxnType}:${x.TxnId}`).join('+')}=${usd(l.Amount)}`);
      const want = p.applications.map((a) => `Invoice:${qboIdOf.get(a.invoiceId)}=${a.amount}`);
      const unapplied = p.amount.minus(sumOf(p.applications.map((a) => a.amount)));
      if (!usd(doc.TotalAmt).equals(p.amount) || !usd(doc.UnappliedAmt ?? '0').equals(unapplied) || lines.join(',') !== want.join(',')) {
        mismatches.push(`${p.id}: total ${doc.TotalAmt} (want ${p.amount}) unapplied ${doc.UnappliedAmt} (want ${unapplied}) lines ${lines} (want ${want})`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(qboPayments).toHaveLength(load.payments.length);

    // Our links point at those documents; the only open problem is the expected one.
    const links = await h.pg.query(`select entity_type, source_id, qbo_id from sync.sync_link where tenant_id = $1 and entity_type = 'invoice' and qbo_id is not null`, [h.tenantId]);
    expect(links.rows.filter((l) => qboIdOf.get(l.source_id) !== l.qbo_id)).toEqual([]);
    const open = await h.pg.query(`select source_id, kind from sync.problem where tenant_id = $1 and state = 'open' order by source_id`, [h.tenantId]);
    expect(open.rows).toEqual([
      { source_id: 'inv-blocked', kind: 'item_not_found' },
      { source_id: 'item-nope', kind: 'item_not_found' },
    ]);

    // The chaos really happened: answers lost, 5xx and 429 answered, two kills with work still pending.
    expect(injected.drops).toBeGreaterThan(0);
    expect(injected['5xx']).toBeGreaterThan(0);
    expect(injected['429']).toBeGreaterThan(0);
    expect(kills).toHaveLength(2);
    for (const k of kills) expect(k.done).toBeLessThan(expectedDocs);

    process.stdout.write(
      `sync chaos: ${events} events (${load.invoices.size} invoices, ${load.payments.length} payments), ` +
        `injected drops=${injected.drops} 5xx=${injected['5xx']} 429=${injected['429']}, ` +
        `SIGKILLs at ${kills.map((k) => `${(k.at / 1000).toFixed(1)} s (${k.done}/${expectedDocs} pushed)`).join(' and ')}, ` +
        `creates found again after a lost answer or a kill=${recovered}, sandbox requests=${stats.requests} writes=${stats.totalWrites} requestid replays=${stats.replays}, ` +
        `converged in ${(convergedMs / 1000).toFixed(1)} s wall; CPU: sync-service ${syncCpuSeconds.toFixed(1)} s (three processes, startup included), ` +
        `sandbox ${sandboxCpuSeconds.toFixed(1)} s, test process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (2 cores shared with other work)\n`,
    );
  }, 420_000);
});
