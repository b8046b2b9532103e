/**
 * End-to-end push throughput for one realm against QuickBooks' real ceiling: platform events on the broker →
 * the sync-service (run from source as its own process, real PostgreSQL, PgRealmBudget, real OAuth connection) →
 * the QuickBooks sandbox (its own process, its DEFAULT limits: 500 requests per sliding 60 s and 10 in flight per
 * realm). Target: ≥ 95 % of the ceiling (≥ 475 QuickBooks requests per whole minute) with no 429.
 *
 * The invoices (and their customers and items) are all on the broker before the clock starts, so the push queue is
 * never empty and QuickBooks' limit is the only brake. After a warm-up (BENCH_SYNC_WARMUP_SECONDS, default 20: the
 * budget's first-minute burst is behind us, windows measure the steady state), whole 60 s windows are measured
 * (BENCH_SYNC_SECONDS, default 120, rounded down to whole minutes, at least one): QuickBooks requests from the
 * sandbox's own counter for the realm, pushed invoices from `sync_link`, 429s from the sandbox, CPU time of the
 * sync-service and sandbox processes (from /proc) beside wall time.
 */
import { type InboundEvent, messageKeyOf, TopicSpecs, topicForEventType } from '@arbiter/contracts';
import { provideInfra } from '@arbiter/dev-infra';
import { buildCustomerUpserted, buildInvoiceUpserted, buildItemUpserted } from '@arbiter/testing';
import { loadavg } from 'node:os';
import { SyncHarness } from '../test/e2e/sync-harness';
import { processCpuMs, runBench, writeResult } from './result';

const CEILING_PER_MINUTE = 500;
const WARMUP_SECONDS = Number(process.env['BENCH_SYNC_WARMUP_SECONDS'] ?? 20);
const WINDOWS = Math.max(1, Math.floor(Number(process.env['BENCH_SYNC_SECONDS'] ?? 120) / 60));
const CUSTOMERS = 25;
/** Enough invoices that the queue never runs dry: the budget's 480/min plus the warm-up, with room to spare. */
const INVOICES = Math.ceil(((WARMUP_SECONDS + WINDOWS * 60 + 30) / 60) * CEILING_PER_MINUTE);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) });
  process.env['DATABASE_URL'] = infra.databaseUrl;
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  const h = new SyncHarness();
  try {
    // The sync-service as deployed, but quieter logs; the sandbox with its default limits.
    await h.start({ LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000' });
    const realmId = await h.connect();
    const limits = await h.control<{ enabled: boolean; requestsPerMinute: number; maxInFlight: number }>('GET', 'limits');
    console.log(`sandbox limits: enabled=${limits.enabled} requestsPerMinute=${limits.requestsPerMinute} maxInFlight=${limits.maxInFlight}; ${INVOICES} invoices, ${WARMUP_SECONDS} s warm-up, ${WINDOWS} × 60 s`);

    const [account] = await h.qboQuery<{ Id: string }>(`select * from Account where AccountType = 'Income'`);
    for (const [sku, name] of [['SKU-BENCH-A', 'Bench consulting'], ['SKU-BENCH-B', 'Bench licence']]) {
      await h.qbo('POST', 'item', { Name: name, Sku: sku, Type: 'Service', IncomeAccountRef: { value: account.Id }, UnitPrice: 100 });
    }
    const t = { tenantId: h.tenantId };
    const events: InboundEvent[] = [
      buildItemUpserted({ ...t, data: { id: 'item-a', sku: 'SKU-BENCH-A', name: 'Bench consulting' } }),
      buildItemUpserted({ ...t, data: { id: 'item-b', sku: 'SKU-BENCH-B', name: 'Bench licence' } }),
      ...Array.from({ length: CUSTOMERS }, (_, c) => buildCustomerUpserted({ ...t, data: { id: `cus-${c}`, displayName: `Bench customer ${c}` } })),
      ...Array.from({ length: INVOICES }, (_, i) =>
        buildInvoiceUpserted({
          ...t,
          data: {
            id: `inv-${i}`,
            number: `B-${100000 + i}`,
            customerId: `cus-${i % CUSTOMERS}`,
            lines: [
              { itemId: 'item-a', quantity: '2', unitPrice: '125.50' },
              { itemId: 'item-b', quantity: '1', unitPrice: '99.99' },
            ],
          },
        }),
      ),
    ];
    for (let i = 0; i < events.length; i += 500) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const e of events.slice(i, i + 500)) {
        const topic = topicForEventType(e.eventType);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: messageKeyOf(e), value: JSON.stringify(e) }]);
      }
      await h.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }

    const pushedInvoices = async () =>
      Number((await h.pg.query(`select count(*)::int as n from sync.sync_link where tenant_id = $1 and entity_type = 'invoice' and status = 'pushed'`, [h.tenantId])).rows[0].n);
    const sample = async () => {
      const stats = await h.control<{ requests: number; throttled: number }>('GET', `realms/${realmId}/stats`);
      return { at: performance.now(), requests: stats.requests, throttled: stats.throttled, invoices: await pushedInvoices(), syncCpuMs: processCpuMs(h.sync.child.pid), sandboxCpuMs: processCpuMs(h.sandbox.child.pid) };
    };

    const loadAtStart = loadavg()[0];
    const start = await sample();
    // Wait for the first push, then the warm-up.
    while ((await pushedInvoices()) === 0) await sleep(100);
    await sleep(WARMUP_SECONDS * 1000);
    const samples = [await sample()];
    for (let w = 0; w < WINDOWS; w++) {
      await sleep(Math.max(0, samples[w].at + 60_000 - performance.now()));
      samples.push(await sample());
    }
    const windows = samples.slice(1).map((end, w) => {
      const begin = samples[w];
      const seconds = (end.at - begin.at) / 1000;
      return {
        seconds: Math.round(seconds * 1000) / 1000,
        requests: end.requests - begin.requests,
        invoices: end.invoices - begin.invoices,
        throttled: end.throttled - begin.throttled,
        syncCpuMs: end.syncCpuMs - begin.syncCpuMs,
        sandboxCpuMs: end.sandboxCpuMs - begin.sandboxCpuMs,
      };
    });
    const last = samples[samples.length - 1];
    if (last.invoices >= INVOICES) console.warn('the queue ran dry before the last window ended: the figures understate the push');

    const worst = windows.reduce((a, b) => (b.requests < a.requests ? b : a));
    const total = windows.reduce((a, w) => ({ requests: a.requests + w.requests, invoices: a.invoices + w.invoices, throttled: a.throttled + w.throttled, syncCpuMs: a.syncCpuMs + w.syncCpuMs, sandboxCpuMs: a.sandboxCpuMs + w.sandboxCpuMs }), {
      requests: 0,
      invoices: 0,
      throttled: 0,
      syncCpuMs: 0,
      sandboxCpuMs: 0,
    });
    const share = (n: number) => Math.round((n / CEILING_PER_MINUTE) * 1000) / 10;
    const perDoc = total.invoices > 0 ? Math.round((total.requests / total.invoices) * 100) / 100 : null;
    const throttledAll = last.throttled - start.throttled;
    for (const [i, w] of windows.entries()) {
      console.log(
        `window ${i + 1} (${w.seconds} s): ${w.requests} QuickBooks requests = ${share(w.requests)} % of ${CEILING_PER_MINUTE}; ${w.invoices} invoices; ` +
          `${w.throttled} × 429; CPU sync-service ${w.syncCpuMs} ms, sandbox ${w.sandboxCpuMs} ms`,
      );
    }
    const rows = [
      { metric: 'one realm: QuickBooks requests per whole minute (worst window)', value: worst.requests, unit: 'requests/min', target: `≥ ${CEILING_PER_MINUTE * 0.95}` },
      { metric: 'one realm: share of the 500/min ceiling (worst window)', value: share(worst.requests), unit: '%', target: '≥ 95' },
      { metric: 'one realm: invoices pushed per minute (mean)', value: Math.round(total.invoices / windows.length), unit: 'documents/min', target: '' },
      { metric: 'QuickBooks requests per invoice', value: perDoc ?? 'n/a', unit: '', target: '' },
      { metric: '429s the sandbox answered (whole run)', value: throttledAll, unit: '', target: '0' },
      { metric: 'CPU per measured minute: sync-service / sandbox', value: `${Math.round(total.syncCpuMs / windows.length)} / ${Math.round(total.sandboxCpuMs / windows.length)}`, unit: 'ms', target: '' },
    ];
    for (const r of rows) console.log(`${r.metric}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target})` : ''}`);
    const load = [loadAtStart, loadavg()[0]].map((l) => Math.round(l * 10) / 10);
    console.log(`1-minute load average at start / end: ${load[0]} / ${load[1]} (wall-clock figures are skewed by other work on the machine; CPU times are not)`);
    writeResult('sync-push', {
      loadAverage: { start: load[0], end: load[1] },
      realmId,
      sandboxLimits: limits,
      invoicesPublished: INVOICES,
      customers: CUSTOMERS,
      warmupSeconds: WARMUP_SECONDS,
      windows,
      worstWindowRequests: worst.requests,
      shareOfCeiling: share(worst.requests),
      invoicesPerMinute: Math.round(total.invoices / windows.length),
      requestsPerInvoice: perDoc,
      throttled: throttledAll,
      rows,
    });
  } finally {
    await h.stop();
    await infra.stop();
  }
}

runBench(main);
