/**
 * `npm run demo`: the main job, end to end, on embedded defaults (CONTRACT.md §5). Starts the local stack, connects
 * tenant `acme` to a sandbox company through the OAuth flow, publishes a month of a platform's receivables to Kafka
 * as a platform service would (a few bad messages among them), lets the sandbox's "QuickBooks users" drift the books,
 * waits for the sync to settle, runs the month-end reconciliation through the gateway, prints the summary and the
 * paths of the audit PDF and CSV, and exits 0. `--help` lists the flags.
 */
import { InboundTopics, Topics, messageKeyOf, topicForEventType, type InboundEvent } from '@arbiter/contracts';
import { addDays } from '@arbiter/domain';
import { generateReceivablesMonth, type ReceivablesMonth } from '@arbiter/testing';
import Decimal from 'decimal.js';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_TENANT_ID, startLocalStack, type LocalStack } from './local-stack';

/** Customers, invoices issued in the month, invoices of the 120 days before it (they fill the older buckets). */
const SIZES = {
  tiny: { customers: 12, invoices: 40, backlog: 16 },
  small: { customers: 150, invoices: 500, backlog: 200 },
  default: { customers: 1200, invoices: 3600, backlog: 1400 },
  large: { customers: 3000, invoices: 10000, backlog: 4000 },
} as const;
type Size = keyof typeof SIZES;

/**
 * QuickBooks Online allows 500 requests a minute per company. A first sync of a whole month at that pace takes
 * longer than a demo should, so the demo lifts the sandbox's ceiling (and the services' own limiter, which keeps
 * them under it) to this; `--qbo-rate 500` runs at the real pace.
 */
const DEMO_QBO_RATE = 3000;

const USAGE = `usage: npm run demo -- [--seed <n>] [--size tiny|small|default|large] [--month YYYY-MM] [--out <dir>] [--keep]

  --seed   seed of the generated month and of the QuickBooks users' drift (default 2026): same seed, same books
  --size   tiny ${desc('tiny')}; small ${desc('small')};
           default ${desc('default')}; large ${desc('large')}
  --month  the month to close (default 2026-11); the reconciliation runs as of its last day
  --out    where the audit PDF, the CSV and summary.json go (default tmp/demo)
  --keep   keep the stack running afterwards and print the gateway URL and API keys (Ctrl-C stops it)
  --qbo-rate  QuickBooks requests per minute per company, in the sandbox and the services' limiter
           (default ${DEMO_QBO_RATE}, so a month settles in minutes; QuickBooks Online's own limit is 500)
`;
function desc(size: Size): string {
  const s = SIZES[size];
  return `(${s.customers} customers, ${s.invoices + s.backlog} invoices)`;
}

interface Options {
  seed: number;
  size: Size;
  month: string;
  out: string;
  keep: boolean;
  qboRate: number;
}

/** @throws Error with the usage text for an unknown flag or a bad value. */
function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '2026' },
      size: { type: 'string', default: 'default' },
      month: { type: 'string', default: '2026-11' },
      out: { type: 'string', default: 'tmp/demo' },
      keep: { type: 'boolean', default: false },
      'qbo-rate': { type: 'string', default: String(DEMO_QBO_RATE) },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const errors: string[] = [];
  if (!/^\d{1,9}$/.test(values.seed)) errors.push(`--seed must be a whole number, not "${values.seed}"`);
  if (!(values.size in SIZES)) errors.push(`--size must be one of ${Object.keys(SIZES).join(', ')}, not "${values.size}"`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) errors.push(`--month must be YYYY-MM, not "${values.month}"`);
  if (!/^\d{1,6}$/.test(values['qbo-rate']) || Number(values['qbo-rate']) < 1) errors.push(`--qbo-rate must be a whole number of requests per minute, not "${values['qbo-rate']}"`);
  if (errors.length) throw new Error(`${errors.join('\n')}\n\n${USAGE}`);
  return { seed: Number(values.seed), size: values.size as Size, month: values.month, out: resolve(values.out), keep: values.keep, qboRate: Number(values['qbo-rate']) };
}

// ---------------------------------------------------------------------------------------------------------------
// Output: progress on stderr (a bar on a terminal, a line every few seconds otherwise), the summary on stdout.

const isTty = process.stderr.isTTY === true;
const say = (message: string) => process.stderr.write(`${isTty ? '\r\x1b[2K' : ''}demo: ${message}\n`);

class ProgressBar {
  private lastLine = 0;
  constructor(private readonly label: string) {}

  update(fraction: number, detail: string): void {
    const f = Math.max(0, Math.min(1, fraction));
    if (isTty) {
      const width = 30;
      const full = Math.round(f * width);
      process.stderr.write(`\r\x1b[2K${this.label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${detail}`);
    } else if (Date.now() - this.lastLine >= 5_000) {
      this.lastLine = Date.now();
      process.stderr.write(`${this.label} ${String(Math.floor(f * 100)).padStart(3)}%  ${detail}\n`);
    }
  }

  done(detail: string): void {
    if (isTty) process.stderr.write(`\r\x1b[2K`);
    process.stderr.write(`${this.label} 100%  ${detail}\n`);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// HTTP: the gateway with an API key, the sandbox's control surface.

async function http<T>(method: string, url: string, init: { key?: string; body?: unknown; expect?: number[] } = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!(init.expect ?? [200]).includes(res.status)) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

async function download(url: string, key: string, path: string): Promise<{ bytes: number; sha256: string | null }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const body = Buffer.from(await res.arrayBuffer());
  writeFileSync(path, body);
  return { bytes: body.length, sha256: res.headers.get('x-content-sha256') };
}

class Sandbox {
  constructor(
    private readonly url: string,
    readonly realmId: string,
  ) {}

  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    return http<T>(method, `${this.url}/__sandbox/realms/${this.realmId}/${path}`, { body });
  }

  /** The QuickBooks API itself, with a token the sandbox mints (for what a bookkeeper set up before Arbiter came). */
  async api<T = Record<string, unknown>>(method: string, path: string, body?: string | object): Promise<T> {
    const { access_token: token } = await this.control<{ access_token: string }>('POST', 'tokens', {});
    const res = await fetch(`${this.url}/v3/company/${this.realmId}/${path}${path.includes('?') ? '&' : '?'}minorversion=75`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`QuickBooks ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Every live object of a type, as QuickBooks holds it now. */
  async entities(entity: string): Promise<Record<string, unknown>[]> {
    const { items } = await this.control<{ items?: { state: string; object: Record<string, unknown> }[] }>('GET', `entities/${entity}?state=active`);
    return (items ?? []).map((i) => i.object);
  }
}

/**
 * The company's products and services, as its bookkeeper keeps them in QuickBooks: one item per SKU the platform
 * sells (the sync matches items by SKU and never creates them).
 */
async function setUpCatalogue(sandbox: Sandbox, month: ReceivablesMonth): Promise<void> {
  const accounts = await sandbox.api<{ QueryResponse: { Account?: { Id: string }[] } }>('GET', `query?query=${encodeURIComponent("select * from Account where AccountType = 'Income'")}`);
  const income = accounts.QueryResponse.Account?.[0]?.Id;
  if (!income) throw new Error('the sandbox company has no income account');
  for (const { data } of month.items) {
    // The price goes in as the decimal literal it is (QuickBooks wants a JSON number; a JS number could round it).
    const fields = JSON.stringify({ Name: data.name, Sku: data.sku, Type: 'Service', IncomeAccountRef: { value: income } });
    await sandbox.api('POST', 'item', `${fields.slice(0, -1)},"UnitPrice":${new Decimal(data.unitPrice ?? '0').toFixed()}}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The platform's side: the month's events, and what it publishes after the QuickBooks users have been busy.

interface Published {
  events: number;
  badMessages: number;
}

class Platform {
  private readonly producer: Producer;

  constructor(brokers: string[]) {
    this.producer = new Kafka({ clientId: 'arbiter-demo-platform', brokers, logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false, idempotent: false });
  }

  connect = () => this.producer.connect();
  disconnect = () => this.producer.disconnect();

  /** Publishes in order (a key's events stay in order on its partition), in batches per topic as a service's outbox relay does. */
  async publish(events: InboundEvent[], onProgress?: (sent: number) => void): Promise<void> {
    const BATCH = 500;
    for (let i = 0; i < events.length; i += BATCH) {
      const chunk = events.slice(i, i + BATCH);
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const e of chunk) {
        const topic = topicForEventType(e.eventType);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: messageKeyOf(e), value: JSON.stringify(e) }]);
      }
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      onProgress?.(Math.min(events.length, i + BATCH));
    }
  }

  async publishRaw(messages: { topic: string; key: string; value: string }[]): Promise<void> {
    for (const m of messages) await this.producer.send({ topic: m.topic, acks: -1, messages: [{ key: m.key, value: m.value }] });
  }
}

/** What a platform gets wrong now and then: each one must end up on the dead-letter topic with its reason. */
function badMessages(month: ReceivablesMonth): { topic: string; key: string; value: string }[] {
  const invoice = month.invoices[0].data;
  const envelope = (eventType: string, data: unknown) => ({
    eventId: randomUUID(),
    eventType,
    tenantId: month.tenantId,
    occurredAt: `${month.asOf}T18:00:00.000Z`,
    entityVersion: 99,
    data,
  });
  const key = `${month.tenantId}:${invoice.id}`;
  return [
    // Money as a JSON number: floats never enter the ledger.
    { topic: Topics.SourceInvoices, key, value: JSON.stringify(envelope('invoice.upserted', { ...invoice, total: Number(invoice.total) })) },
    // Lines that do not add up to the total.
    { topic: Topics.SourceInvoices, key, value: JSON.stringify(envelope('invoice.upserted', { ...invoice, total: new Decimal(invoice.total).plus('0.01').toFixed(2) })) },
    // A payment on the invoices topic.
    { topic: Topics.SourceInvoices, key, value: JSON.stringify(envelope('payment.recorded', month.payments[0]?.data ?? {})) },
    // An event type the contract does not have.
    { topic: Topics.SourceInvoices, key, value: JSON.stringify(envelope('invoice.deleted', { id: invoice.id })) },
    // A producer crashed mid-write.
    { topic: Topics.SourceCustomers, key: `${month.tenantId}:${month.customers[0].data.id}`, value: JSON.stringify(envelope('customer.upserted', month.customers[0].data)).slice(0, 40) },
  ];
}

/**
 * What happens after the QuickBooks users have acted: two new customers (one whose name is already taken in
 * QuickBooks, one whose billing email two QuickBooks customers share), each with an invoice, and a late invoice and
 * a late payment dated inside the period QuickBooks has closed meanwhile.
 */
function lateEvents(month: ReceivablesMonth, clash: { name: string; email: string }, sharedEmail: string, closeDate: string): InboundEvent[] {
  const at = `${month.asOf}T19:00:00.000Z`;
  const item = month.items[0].data;
  const event = (eventType: string, id: string, data: Record<string, unknown>, entityVersion = 1) =>
    ({ eventId: randomUUID(), eventType, tenantId: month.tenantId, occurredAt: at, entityVersion, data }) as unknown as InboundEvent;
  const customer = (id: string, displayName: string, billingEmail: string) =>
    event('customer.upserted', id, { id, displayName, billingEmail, companyName: `${displayName} Inc.`, currency: month.currency, paymentTermsDays: 30, active: true });
  const invoice = (id: string, number: string, customerId: string, issueDate: string, quantity: string) => {
    const amount = new Decimal(quantity).times(item.unitPrice ?? '0').toFixed(2);
    return event('invoice.upserted', id, {
      id, number, customerId, issueDate, dueDate: addDays(issueDate, 30), currency: month.currency, status: 'approved',
      lines: [{ id: 'l1', itemId: item.id, description: item.name, quantity, unitPrice: item.unitPrice, amount }], total: amount,
    });
  };
  const open = month.openInvoices.find((o) => o.issueDate < addDays(closeDate, -1)) ?? month.openInvoices[0];
  const lateCustomer = month.customers[month.customers.length - 1].data.id;
  return [
    customer('cus-late-clash', clash.name, clash.email),
    customer('cus-late-shared', 'Wrenfield Outfitters', sharedEmail),
    invoice('inv-late-clash', 'INV-90001', 'cus-late-clash', addDays(month.asOf, -3), '2'),
    invoice('inv-late-shared', 'INV-90002', 'cus-late-shared', addDays(month.asOf, -2), '1'),
    invoice('inv-late-closed', 'INV-90003', lateCustomer, addDays(closeDate, -4), '3'),
    event('payment.recorded', 'pay-late-closed', {
      id: 'pay-late-closed', customerId: open.customerId, receivedOn: addDays(closeDate, -1), amount: open.open, currency: month.currency,
      method: 'wire', reference: 'REF-LATE', applications: [{ invoiceId: open.invoiceId, amount: open.open }],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The QuickBooks users: they receive payments, edit one invoice, void another, create an invoice the platform never
// sent, add a customer with a name the platform is about to use and two sharing a billing email, and close the period.

interface Drift {
  paymentsReceived: number;
  editedInvoice: string;
  voidedInvoice: string;
  qboOnlyInvoice: string;
  clash: { name: string; email: string };
  sharedEmail: string;
  closeDate: string;
}

async function driftTheBooks(sandbox: Sandbox, month: ReceivablesMonth, seed: number): Promise<Drift> {
  const invoices = (await sandbox.entities('invoice'))
    .filter((i) => new Decimal(String(i['Balance'] ?? '0')).gt(0) && String(i['TxnDate']) <= month.asOf)
    .sort((a, b) => String(a['DocNumber']).localeCompare(String(b['DocNumber'])));
  if (invoices.length < 6) throw new Error(`only ${invoices.length} open invoices reached QuickBooks; the drift needs at least 6`);
  // A deterministic walk over the open invoices: the seed picks the offset, the stride spreads them over the month.
  const pick = (n: number) => invoices[(seed + n * 7919) % invoices.length];
  const used = new Set<string>();
  const take = (n: number) => {
    for (let k = n; ; k++) {
      const inv = pick(k);
      if (!used.has(String(inv['Id']))) {
        used.add(String(inv['Id']));
        return inv;
      }
    }
  };
  const paymentCount = Math.max(2, Math.round(invoices.length * 0.01));
  for (let n = 0; n < paymentCount; n++) {
    const inv = take(n);
    const balance = new Decimal(String(inv['Balance']));
    // Every other one pays only part of the balance, as customers short-pay.
    const amount = n % 2 === 0 ? balance : balance.times('0.4').toDecimalPlaces(2, Decimal.ROUND_DOWN);
    await sandbox.control('POST', 'user/payments', {
      applications: [{ invoiceId: inv['Id'], amount: amount.toFixed(2) }],
      txnDate: addDays(month.asOf, -1),
      paymentRefNum: `QB-${1000 + n}`,
      privateNote: 'Received in QuickBooks',
    });
  }
  const edited = take(paymentCount + 1);
  await sandbox.control('POST', `user/invoices/${edited['Id']}/edit`, { amount: new Decimal(String(edited['TotalAmt'])).plus('125.00').toFixed(2), privateNote: 'Adjusted in QuickBooks' });
  const voided = take(paymentCount + 2);
  await sandbox.control('POST', `user/invoices/${voided['Id']}/void`);
  const someCustomer = String((take(paymentCount + 3)['CustomerRef'] as { value: string }).value);
  const qboOnly = await sandbox.control<{ Invoice: { DocNumber?: string; Id: string } }>('POST', 'user/invoices', {
    customerId: someCustomer, amount: '980.00', txnDate: addDays(month.asOf, -5), dueDate: addDays(month.asOf, 25), docNumber: 'QB-7001', privateNote: 'Entered in QuickBooks',
  });

  const clash = { name: 'Ashgrove Analytics', email: 'ap@ashgrove-analytics.example' };
  await sandbox.control('POST', 'user/customers', { displayName: clash.name, email: 'office@ashgrove.example', companyName: 'Ashgrove (a different business)' });
  const sharedEmail = 'accounts@wrenfield.example';
  await sandbox.control('POST', 'user/customers', { displayName: 'Wrenfield Outfitters East', email: sharedEmail });
  await sandbox.control('POST', 'user/customers', { displayName: 'Wrenfield Outfitters West', email: sharedEmail });

  const closeDate = addDays(`${month.asOf.slice(0, 8)}01`, 14);
  await sandbox.control('PUT', 'book-close-date', { date: closeDate });
  return {
    paymentsReceived: paymentCount,
    editedInvoice: String(edited['DocNumber']),
    voidedInvoice: String(voided['DocNumber']),
    qboOnlyInvoice: qboOnly.Invoice.DocNumber ?? qboOnly.Invoice.Id,
    clash,
    sharedEmail,
    closeDate,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting: the sync's own account of itself (GET /api/v1/sync/status), the run's progress, the dead letters.

interface SyncStatusView {
  settled: boolean;
  inbound: { accepted: number; stale: number; duplicate: number; consumerLag: number | null };
  documents: Record<string, { source: number; links: Record<string, number>; openProblems: number; queued: number }>;
  queue: { queued: number; active: number; blocked: number };
  problems: { open: number; byKind: Record<string, number> };
  outbox: { unpublished: number };
}

async function waitForSync(gatewayUrl: string, key: string, expectedEvents: number, label: string): Promise<SyncStatusView> {
  const bar = new ProgressBar(label);
  const deadline = Date.now() + 30 * 60_000;
  let settledSince = 0;
  for (;;) {
    const s = await http<SyncStatusView>('GET', `${gatewayUrl}/api/v1/sync/status`, { key });
    const received = s.inbound.accepted + s.inbound.stale + s.inbound.duplicate;
    const documents = Object.values(s.documents).reduce((n, d) => n + d.source, 0);
    const ingest = expectedEvents === 0 ? 1 : Math.min(1, received / expectedEvents);
    const push = documents === 0 ? 0 : (documents - s.queue.active) / documents;
    const linked = Object.values(s.documents).reduce((n, d) => n + Object.values(d.links).reduce((a, b) => a + b, 0), 0);
    const detail = `events ${fmt(received)}/${fmt(expectedEvents)} · in QuickBooks ${fmt(linked)}/${fmt(documents)} · queue ${fmt(s.queue.active)} · problems ${fmt(s.problems.open)}`;
    // Settled twice in a row, a second apart: a chunk committed between two reads cannot fool it.
    if (s.settled && received >= expectedEvents) {
      if (settledSince && Date.now() - settledSince >= 1_000) {
        bar.done(detail);
        return s;
      }
      settledSince ||= Date.now();
    } else settledSince = 0;
    bar.update(0.3 * ingest + 0.7 * push, detail);
    if (Date.now() > deadline) throw new Error(`the sync did not settle within 30 minutes: ${detail}`);
    await sleep(500);
  }
}

interface RunView {
  id: string;
  state: string;
  status?: string;
  progress: { done: number; total: number };
  buckets: { bucket: string; source: string; qbo: string; difference: string }[];
  totals: { source: string; qbo: string; difference: string };
  discrepancyCounts: Record<string, number>;
  reportSha256: string;
  failure?: unknown;
}

async function runReconciliation(gatewayUrl: string, controllerKey: string, auditorKey: string, asOf: string): Promise<RunView> {
  const { id } = await http<{ id: string }>('POST', `${gatewayUrl}/api/v1/reconciliations`, { key: controllerKey, body: { asOf }, expect: [202] });
  const bar = new ProgressBar('reconciliation');
  for (;;) {
    const run = await http<RunView>('GET', `${gatewayUrl}/api/v1/reconciliations/${id}`, { key: auditorKey });
    if (run.state === 'completed') {
      bar.done(`run ${id}: ${run.status}`);
      return run;
    }
    if (run.state === 'failed') throw new Error(`the reconciliation run ${id} failed: ${JSON.stringify(run.failure ?? run)}`);
    bar.update(run.progress.total ? run.progress.done / run.progress.total : 0, `run ${id} ${run.state}`);
    await sleep(500);
  }
}

/** Reads `arbiter.dead-letter.v1` as a platform's support team would, until every bad message is accounted for. */
async function deadLetters(brokers: string[], expected: number): Promise<Record<string, number>> {
  const kafka = new Kafka({ clientId: 'arbiter-demo-dead-letters', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `arbiter-demo-${randomUUID()}`, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  const byReason: Record<string, number> = {};
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: Topics.DeadLetter, fromBeginning: true });
    await new Promise<void>((resolveAll, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen} of ${expected} dead letters arrived within 60 s`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const letter = JSON.parse(message.value?.toString('utf8') ?? '{}') as { reason?: string; key?: string };
          if (!letter.key?.startsWith(`${LOCAL_TENANT_ID}:`)) return;
          byReason[letter.reason ?? 'unknown'] = (byReason[letter.reason ?? 'unknown'] ?? 0) + 1;
          if (++seen >= expected) {
            clearTimeout(timer);
            resolveAll();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return byReason;
}

/** User + system CPU seconds of a running process, from /proc (0 where there is no /proc). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The summary.

function table(headers: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const money = (s: string) => {
  const d = new Decimal(s);
  const [i, f] = d.abs().toFixed(2).split('.');
  return `${d.isNegative() ? '-' : ''}${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
};

interface Summary {
  seed: number;
  size: Size;
  asOf: string;
  runId: string;
  status: string;
  published: { events: number; badMessages: number; customers: number; invoices: number; payments: number; creditMemos: number };
  drift: Drift;
  buckets: RunView['buckets'];
  totals: RunView['totals'];
  tieOut: { sourceMinusQbo: string; sumOfDifferences: string; holds: boolean };
  problemsByKind: Record<string, number>;
  discrepanciesByKind: Record<string, number>;
  deadLettersByReason: Record<string, number>;
  verify: { valid: boolean; reportSha256: string; chainHead: string };
  reports: { pdf: string; csv: string; pdfSha256: string | null };
  wallSeconds: number;
  cpuSeconds: number;
  /** The four apps' user + system CPU (Linux /proc), PostgreSQL and the broker not included. */
  appsCpuSeconds: number;
}

function printSummary(s: Summary): void {
  const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);
  const kinds = (xs: Record<string, number>, heading = 'kind') =>
    Object.keys(xs).length === 0 ? '  (none)' : table([heading, 'count'], Object.entries(xs).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k, fmt(n)]), ['l', 'r']);
  const out = [
    '',
    `Arbiter demo — tenant ${LOCAL_TENANT_ID}, month-end ${s.asOf}, seed ${s.seed}, size ${s.size}`,
    `published ${fmt(s.published.events)} events (${fmt(s.published.customers)} customers, ${fmt(s.published.invoices)} invoices, ${fmt(s.published.payments)} payments, ${fmt(s.published.creditMemos)} credit memos) and ${s.published.badMessages} bad messages`,
    `QuickBooks users: ${s.drift.paymentsReceived} payments received, invoice ${s.drift.editedInvoice} edited, ${s.drift.voidedInvoice} voided, ${s.drift.qboOnlyInvoice} entered only there, a customer named "${s.drift.clash.name}", two sharing ${s.drift.sharedEmail}, books closed through ${s.drift.closeDate}`,
    '',
    `A/R aging as of ${s.asOf} (run ${s.runId}: ${s.status.toUpperCase().replace(/_/g, ' ')})`,
    table(
      ['bucket', 'source', 'QuickBooks', 'difference'],
      [...s.buckets.map((b) => [b.bucket, money(b.source), money(b.qbo), money(b.difference)]), ['total', money(s.totals.source), money(s.totals.qbo), money(s.totals.difference)]],
      ['l', 'r', 'r', 'r'],
    ),
    `tie-out: Σ source − Σ QuickBooks = ${money(s.tieOut.sourceMinusQbo)}; Σ differences = ${money(s.tieOut.sumOfDifferences)} → ${s.tieOut.holds ? 'ties out' : 'DOES NOT TIE OUT'}`,
    '',
    `Problems by kind (${fmt(sum(s.problemsByKind))} open)`,
    kinds(s.problemsByKind),
    '',
    `Discrepancies by kind (${fmt(sum(s.discrepanciesByKind))})`,
    kinds(s.discrepanciesByKind),
    '',
    `Dead letters by reason (${fmt(sum(s.deadLettersByReason))})`,
    kinds(s.deadLettersByReason, 'reason'),
    '',
    `Audit verify: ${s.verify.valid ? 'valid' : 'INVALID'} — report SHA-256 ${s.verify.reportSha256}, audit chain head ${s.verify.chainHead}`,
    '',
    `PDF: ${s.reports.pdf}`,
    `CSV: ${s.reports.csv}`,
    `wall ${s.wallSeconds.toFixed(0)} s; CPU: demo ${s.cpuSeconds.toFixed(1)} s, apps ${s.appsCpuSeconds.toFixed(1)} s (PostgreSQL and the broker not counted)`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const started = Date.now();
  let options: Options | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { seed, size, month: monthText, out, keep } = options;
  const shape = SIZES[size];
  const month = generateReceivablesMonth({ seed, month: monthText, tenantId: LOCAL_TENANT_ID, customerCount: shape.customers, invoiceCount: shape.invoices, backlogInvoiceCount: shape.backlog });
  say(`generated ${fmt(month.events.length)} events for ${month.from} … ${month.asOf} (seed ${seed}, size ${size})`);

  let stack: LocalStack | null = null;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack?.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    say('starting PostgreSQL, the Kafka broker, the QuickBooks sandbox and the three services');
    const rate = String(options.qboRate);
    stack = await startLocalStack({ log: say, preferDefaultPorts: keep, env: { LOG_LEVEL: 'warn', QBO_LIMIT_REQUESTS_PER_MINUTE: rate, QBO_REQUESTS_PER_MINUTE: rate } });
    say(`QuickBooks ceiling: ${fmt(options.qboRate)} requests/min and 10 in flight per company${options.qboRate === 500 ? ' (QuickBooks Online\'s own)' : ' (QuickBooks Online allows 500/min: --qbo-rate 500)'}`);
    const { GATEWAY_URL: gateway, QBO_SANDBOX_URL: sandboxUrl, QBO_REALM_ID: realmId, CONTROLLER_API_KEY: controllerKey, AUDITOR_API_KEY: auditorKey } = stack.lines;
    const brokers = stack.infra.kafkaBrokers;
    const sandbox = new Sandbox(sandboxUrl, realmId);

    await setUpCatalogue(sandbox, month);
    say(`QuickBooks company ${realmId} has the ${month.items.length} products and services the platform sells, by SKU`);
    const platform = new Platform(brokers);
    await platform.connect();
    const bad = badMessages(month);
    const published: Published = { events: month.events.length, badMessages: bad.length };
    const publishBar = new ProgressBar('publishing');
    await platform.publish(month.events, (sent) => publishBar.update(sent / month.events.length, `${fmt(sent)}/${fmt(month.events.length)} events`));
    await platform.publishRaw(bad);
    publishBar.done(`${fmt(month.events.length)} events and ${bad.length} bad messages on ${InboundTopics.length} topics`);
    await waitForSync(gateway, auditorKey, month.events.length, 'sync');

    say('the QuickBooks users are at work: payments received, an invoice edited and one voided, new customers, the period closed');
    const drift = await driftTheBooks(sandbox, month, seed);
    const late = lateEvents(month, drift.clash, drift.sharedEmail, drift.closeDate);
    await platform.publish(late);
    published.events += late.length;
    await platform.disconnect();
    const settled = await waitForSync(gateway, auditorKey, month.events.length + late.length, 'sync (late events)');

    const run = await runReconciliation(gateway, controllerKey, auditorKey, month.asOf);
    mkdirSync(out, { recursive: true });
    const pdfPath = resolve(out, `audit-report-${month.asOf}.pdf`);
    const csvPath = resolve(out, `discrepancies-${month.asOf}.csv`);
    const pdf = await download(`${gateway}/api/v1/reconciliations/${run.id}/report.pdf`, auditorKey, pdfPath);
    await download(`${gateway}/api/v1/reconciliations/${run.id}/report.csv`, auditorKey, csvPath);
    const verify = await http<Summary['verify']>('GET', `${gateway}/api/v1/reconciliations/${run.id}/verify`, { key: auditorKey });
    const letters = await deadLetters(brokers, bad.length);

    const sumSource = run.buckets.reduce((a, b) => a.plus(b.source), new Decimal(0));
    const sumQbo = run.buckets.reduce((a, b) => a.plus(b.qbo), new Decimal(0));
    const sumDiff = run.buckets.reduce((a, b) => a.plus(b.difference), new Decimal(0));
    const lateOf = (eventType: string) => late.filter((e) => e.eventType === eventType).length;
    const cpu = process.cpuUsage();
    const appsCpu = Object.values(stack.cluster.apps).reduce((sum, app) => sum + cpuSecondsOf(app.process.pid), 0);
    const summary: Summary = {
      seed,
      size,
      asOf: month.asOf,
      runId: run.id,
      status: run.status ?? 'unknown',
      published: {
        ...published,
        customers: month.customers.length + lateOf('customer.upserted'),
        invoices: month.invoices.length + lateOf('invoice.upserted'),
        payments: month.payments.length + lateOf('payment.recorded'),
        creditMemos: month.creditMemos.length,
      },
      drift,
      buckets: run.buckets,
      totals: run.totals,
      tieOut: { sourceMinusQbo: sumSource.minus(sumQbo).toFixed(2), sumOfDifferences: sumDiff.toFixed(2), holds: sumSource.minus(sumQbo).eq(sumDiff) && sumDiff.eq(run.totals.difference) },
      problemsByKind: settled.problems.byKind,
      discrepanciesByKind: run.discrepancyCounts,
      deadLettersByReason: letters,
      verify,
      reports: { pdf: pdfPath, csv: csvPath, pdfSha256: pdf.sha256 },
      wallSeconds: (Date.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      appsCpuSeconds: appsCpu,
    };
    writeFileSync(resolve(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    printSummary(summary);
    if (!summary.tieOut.holds || !verify.valid) throw new Error('the run does not tie out or does not verify');

    if (keep) {
      process.stdout.write(['The stack keeps running (Ctrl-C stops it):', ...Object.entries(stack.lines).map(([k, v]) => `${k}=${v}`), ''].join('\n'));
      await new Promise<never>(() => undefined);
    }
    await stop();
    return 0;
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    if (keep && stack) {
      // Kept for a look at what went wrong (logs: ARBITER_STACK_LOGS=1); Ctrl-C stops it.
      process.stdout.write(['The stack keeps running (Ctrl-C stops it):', ...Object.entries(stack.lines).map(([k, v]) => `${k}=${v}`), ''].join('\n'));
      await new Promise<never>(() => undefined);
    }
    await stop();
    return 1;
  }
}

void main().then((code) => process.exit(code));
