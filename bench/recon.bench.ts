/**
 * Reconciliation figures for ARCHITECTURE.md §4 (printed, never asserted):
 *
 * - `match`: RECON_BENCH_TRANSACTIONS (default 1,000,000) open platform documents across RECON_BENCH_CUSTOMERS
 *   (default 10,000) customers, and their QuickBooks counterparts with RECON_BENCH_DRIFT (default 2 %) drifted in every
 *   way, parsed from decimal strings and reconciled in memory by the domain (`reconcile`: aging, per customer and bucket
 *   comparison, matching, classification, tie-out). Target ≤ 10 s and peak RSS ≤ 1 GiB on 2 cores.
 * - `unlinked`: the same, with no stored links at all, so every pair comes from the blocking passes (the worst case).
 * - `service`: the recon-service's own compare phase (`compareInWorker`: a worker thread reads the run's snapshot from
 *   PostgreSQL, reconciles it, checks the tie-out and stores customers and discrepancies with the next phase) over
 *   2 × RECON_BENCH_TRANSACTIONS rows generated in PostgreSQL (`loadGeneratedSnapshot`, RECON_BENCH_DRIFT of the
 *   QuickBooks side 1.00 off), with the process's peak RSS (main thread + worker) and the main thread's event-loop
 *   delay (max, p99) while it runs. RECON_BENCH_SERVICE_INLINE=1 adds the same phase on the main thread, for the
 *   event-loop comparison. RECON_BENCH_SERVICE_BUILT=1 adds `service-built`: the built service
 *   (`dist/apps/recon-service/main.js`; build it first) as its own process comparing the same snapshot, with its CPU
 *   and peak RSS from /proc and its /health latency during the compare.
 * - `pdf`: the audit PDF of RECON_BENCH_PDF_DISCREPANCIES (default 10,000) discrepancies. Target ≤ 5 s.
 *
 * Each part runs in its own process so its peak RSS (`process.resourceUsage().maxRSS`) is its own.
 * Run: `node tools/ts-run.cjs bench/recon.bench.ts` (Node 24). Writes bench/results/recon.json.
 */
import { addDays, DISCREPANCY_KINDS, type DiscrepancyKind, parseMinorUnits, type QboItem, reconcile, type SourceItem, type TxnKind } from '@arbiter/domain';
import { TopicSpecs } from '@arbiter/contracts';
import { createDatabase, freePort, provideInfra } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { Client } from 'pg';
import { reconEntities } from '../apps/recon-service/src/app.module';
import { StandaloneDatabase } from '../apps/recon-service/src/database';
import { reconMigrations } from '../apps/recon-service/src/migrations';
import { compareInWorker } from '../apps/recon-service/src/reconciliation/compare-in-worker';
import { runComparePhase } from '../apps/recon-service/src/reconciliation/compare-phase';
import { findRun } from '../apps/recon-service/src/reconciliation/run-store';
import { loadGeneratedSnapshot } from '../apps/recon-service/test/support/generated-snapshot';
import type { DiscrepancyRow, RunResult } from '../apps/recon-service/src/reconciliation/run-data';
import { renderReconciliationPdf } from '../apps/recon-service/src/report/reconciliation-report.pdf';
import { writeResult } from './result';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const AS_OF = '2026-10-31';

type Figures = Record<string, number | string>;

/** A deterministic pseudo-random sequence (LCG), so every run of the bench reconciles the same books. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

const cpuMs = (usage: NodeJS.CpuUsage): number => Math.round((usage.user + usage.system) / 1000);
const cents = (units: number): string => `${Math.floor(units / 100)}.${String(units % 100).padStart(2, '0')}`;

function matchPart(linked: boolean): Figures {
  const transactions = env('RECON_BENCH_TRANSACTIONS', 1_000_000);
  const customers = env('RECON_BENCH_CUSTOMERS', 10_000);
  const drift = env('RECON_BENCH_DRIFT', 0.02);
  const random = lcg(20261031);
  const sourceCustomers = Array.from({ length: customers }, (_, i) => `cus-${i}`);
  const qboCustomers = Array.from({ length: customers }, (_, i) => String(5_000 + i));
  const customerLinks = new Map(sourceCustomers.map((id, i) => [id, qboCustomers[i]]));
  const dates = Array.from({ length: 400 }, (_, i) => addDays(AS_OF, -i));
  const drifts = ['missing_in_qbo', 'missing_in_source', 'amount', 'balance', 'customer', 'void', 'due', 'duplicate', 'unlinked'] as const;

  // Build both sides from decimal strings, as they come out of PostgreSQL and QuickBooks; timed as "parse".
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const source: SourceItem[] = [];
  const qbo: QboItem[] = [];
  let nextQboId = 1_000_000;
  for (let i = 0; i < transactions; i++) {
    const r = random();
    const kind: TxnKind = r < 0.8 ? 'invoice' : r < 0.95 ? 'payment' : 'credit-memo';
    const c = Math.floor(random() * customers);
    const issued = 30 + Math.floor(random() * 360);
    const txnDate = dates[issued];
    const dueDate = kind === 'invoice' ? dates[issued - 30] : txnDate;
    const total = cents(100 + Math.floor(random() * 2_000_000));
    const paid = kind === 'invoice' && random() < 0.2 ? cents(Math.floor(random() * 100)) : '0.00';
    const totalMinor = parseMinorUnits(total, 'USD');
    const openMinor = kind === 'invoice' ? totalMinor - parseMinorUnits(paid, 'USD') : -totalMinor;
    const number = kind === 'payment' ? undefined : `N${i}`;
    const what = random() < drift ? drifts[Math.floor(random() * drifts.length)] : 'none';
    const qboId = String(nextQboId++);
    if (what !== 'missing_in_source') {
      source.push({ kind, id: `s${i}`, customerId: sourceCustomers[c], number, txnDate, dueDate, totalMinor, openMinor, qboId: linked && what !== 'unlinked' ? qboId : undefined });
    }
    if (what === 'missing_in_qbo') continue;
    const twin: QboItem = { kind, id: qboId, customerId: qboCustomers[c], number, txnDate, dueDate, totalMinor, openMinor };
    if (what === 'amount') Object.assign(twin, { totalMinor: totalMinor + 100n, openMinor: openMinor + (kind === 'invoice' ? 100n : -100n) });
    if (what === 'balance') twin.openMinor = kind === 'invoice' ? openMinor / 2n : openMinor;
    if (what === 'customer') twin.customerId = qboCustomers[(c + 1) % customers];
    if (what === 'void') Object.assign(twin, { voided: true, totalMinor: 0n, openMinor: 0n });
    if (what === 'due') twin.dueDate = dates[Math.max(0, issued - 75)];
    qbo.push(twin);
    if (what === 'duplicate') qbo.push({ ...twin, id: String(nextQboId++) });
  }
  const parsed = performance.now();
  const cpuParsed = process.cpuUsage(cpuStarted);
  const result = reconcile({ asOf: AS_OF, currency: 'USD', source, qbo, customerLinks });
  const reconciled = performance.now();
  const cpuAll = process.cpuUsage(cpuStarted);
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  if (result.violations.length > 0) throw new Error(`the benchmark's books do not tie out: ${result.violations[0].message}`);
  return {
    transactions,
    sourceDocuments: source.length,
    qboDocuments: qbo.length,
    customers,
    discrepancies: result.discrepancies.length,
    pairsByLink: result.matching.pairsByPass.link,
    pairsByBlocking: result.matching.pairsByPass.customer_number + result.matching.pairsByPass.number_amount + result.matching.pairsByPass.customer_amount_date,
    parseMs: Math.round(parsed - started),
    reconcileMs: Math.round(reconciled - parsed),
    totalMs: Math.round(reconciled - started),
    // CPU time (user + system, all threads) is the fair figure on a shared machine, where wall time includes waiting.
    parseCpuMs: cpuMs(cpuParsed),
    reconcileCpuMs: cpuMs(cpuAll) - cpuMs(cpuParsed),
    totalCpuMs: cpuMs(cpuAll),
    peakRssMiB: Math.round(rssMiB),
    difference: result.totals.difference.toString(),
  };
}

async function pdfPart(): Promise<Figures> {
  const count = env('RECON_BENCH_PDF_DISCREPANCIES', 10_000);
  const perKind = new Map<DiscrepancyKind, number>(DISCREPANCY_KINDS.map((kind, i) => [kind, Math.floor(count / DISCREPANCY_KINDS.length) + (i < count % DISCREPANCY_KINDS.length ? 1 : 0)]));
  const row = (kind: DiscrepancyKind, i: number): DiscrepancyRow => ({
    seq: i,
    id: `d-${kind}-${i}`,
    kind,
    txnKind: 'invoice',
    customerId: `cus-${i % 997}`,
    qboCustomerId: String(5_000 + (i % 997)),
    customerName: `Customer ${i % 997} Holdings International`,
    sourceId: `inv-2026-${String(i).padStart(7, '0')}`,
    qboId: String(1_000_000 + i),
    number: `INV-${100_000 + i}`,
    sourceAmount: cents(12_345 + i),
    qboAmount: cents(12_000 + i),
    difference: '3.45',
    bucket: '31-60',
    qboBucket: kind === 'bucket_mismatch' ? '1-30' : undefined,
    suggestedAction: 'Compare the lines and re-push the platform version.',
    note: `total ${cents(12_345 + i)} on the platform, ${cents(12_000 + i)} in QuickBooks (matched by the stored link)`,
  });
  async function* rows(kind: DiscrepancyKind): AsyncIterable<DiscrepancyRow> {
    for (let i = 0; i < (perKind.get(kind) ?? 0); i++) yield row(kind, i);
  }
  const result: RunResult = {
    bucketDefinitions: ['Current', '1 - 30', '31 - 60', '61 - 90', '91 and over'].map((label, i) => ({ id: ['current', '1-30', '31-60', '61-90', '91+'][i], label })),
    buckets: ['current', '1-30', '31-60', '61-90', '91+'].map((bucket) => ({ bucket, source: '1000000.00', qbo: '990000.00', difference: '10000.00' })),
    totals: { source: '5000000.00', qbo: '4950000.00', difference: '50000.00' },
    discrepancyCounts: Object.fromEntries(perKind),
    discrepancyCount: count,
    kinds: DISCREPANCY_KINDS.map((kind) => ({ kind, count: perKind.get(kind) ?? 0, difference: '1.00' })).filter((k) => k.count > 0),
    toleratedDifference: '0.00',
    opening: { source: '0.00', qbo: '0.00' },
    matching: { sourceItems: count, qboItems: count, pairsByPass: { link: count, customer_number: 0, number_amount: 0, customer_amount_date: 0 }, brokenLinks: 0, unmatchedSource: 0, unmatchedQbo: 0, openingSource: 0, openingQbo: 0 },
    findings: [],
    customerCount: 997,
    differingCustomerCount: 0,
  };
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const pdf = await renderReconciliationPdf({
    run: {
      id: '3f0b6c2e-6f7a-4d0e-9a51-7d3f1e2b9c10',
      tenantId: 'bench',
      realmId: '9130357766012345',
      asOf: AS_OF,
      agingBasis: 'due_date',
      periodDays: 30,
      periodCount: 4,
      currency: 'USD',
      tolerance: '0',
      inSyncPoint: null,
      status: 'out_of_sync',
      computedAt: '2026-11-01T02:00:00.000Z',
      dataSha256: 'b'.repeat(64),
    },
    result,
    differingCustomers: async function* () {
      // none: this figure is about the discrepancy pages
    },
    discrepanciesOfKind: rows,
  });
  const elapsed = performance.now() - started;
  const cpu = cpuMs(process.cpuUsage(cpuStarted));
  const pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  return { discrepancies: count, renderMs: Math.round(elapsed), renderCpuMs: cpu, bytes: pdf.length, pages, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/** The service's compare phase over a snapshot generated in PostgreSQL, on a worker thread (or inline). */
async function servicePart(inline: boolean): Promise<Figures> {
  const transactions = env('RECON_BENCH_TRANSACTIONS', 1_000_000);
  const customers = env('RECON_BENCH_CUSTOMERS', 10_000);
  const driftEvery = Math.max(1, Math.round(1 / env('RECON_BENCH_DRIFT', 0.02)));
  const infra = await provideInfra({ topics: [] });
  const connection = { url: await createDatabase(infra.databaseUrl, `bench_recon_${randomBytes(3).toString('hex')}`), schema: 'recon' };
  try {
    await runServiceMigrations({ clientUrl: connection.url, schema: 'recon', entities: reconEntities, migrations: reconMigrations });
    const pg = new Client({ connectionString: connection.url });
    await pg.connect();
    const loadStarted = performance.now();
    const snapshot = await loadGeneratedSnapshot(pg, { tenantId: 'bench', asOf: AS_OF, documents: transactions, customers, driftEvery });
    const loadMs = Math.round(performance.now() - loadStarted);
    await pg.end();
    const db = new StandaloneDatabase(connection);
    const run = await findRun(db.query, snapshot.runId);
    if (!run) throw new Error('the generated run is missing');
    const rssBeforeMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const summary = inline ? await runComparePhase(db, run, threadId) : await compareInWorker(connection, run, new AbortController().signal);
    const elapsed = performance.now() - started;
    const cpu = cpuMs(process.cpuUsage(cpuStarted));
    delay.disable();
    await db.close();
    return {
      mode: inline ? 'main thread' : 'worker thread',
      rowsPerSide: transactions,
      customers,
      discrepancies: summary.discrepancyCount,
      difference: summary.difference,
      loadMs,
      compareMs: Math.round(elapsed),
      // CPU of the whole process (every thread); PostgreSQL's own CPU is not in it.
      compareCpuMs: cpu,
      // Before the compare: this process with its TypeScript compiled by @swc-node (bench, dev-infra, MikroORM for the
      // migrations, the recon modules); the source-mode worker compiles its own modules again when it starts.
      rssBeforeMiB,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      eventLoopDelayMaxMs: Math.round(delay.max / 1e6),
      eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e6),
    };
  } finally {
    await infra.stop();
  }
}

/** CPU seconds (user + system) and peak RSS of a process, from /proc. */
function procFigures(pid: number): { cpuMs: number; peakRssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: ticks * 10, peakRssMiB: Math.round(Number(hwm?.[1] ?? 0) / 1024) };
}

/**
 * The built service (`dist/apps/recon-service/main.js`, built first) as its own process: a generated run waiting at
 * compare is inserted once the service is healthy; its worker claims it and compares. CPU and peak RSS come from
 * /proc; the event loop is seen from outside as /health latency (polled every 20 ms) during the compare.
 */
async function builtServicePart(): Promise<Figures> {
  const main = join(__dirname, '..', 'dist', 'apps', 'recon-service', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run NX_DAEMON=false npx nx build recon-service first`);
  const transactions = env('RECON_BENCH_TRANSACTIONS', 1_000_000);
  const customers = env('RECON_BENCH_CUSTOMERS', 10_000);
  const driftEvery = Math.max(1, Math.round(1 / env('RECON_BENCH_DRIFT', 0.02)));
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) });
  const url = await createDatabase(infra.databaseUrl, `bench_recon_${randomBytes(3).toString('hex')}`);
  const port = await freePort();
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await runServiceMigrations({ clientUrl: url, schema: 'recon', entities: reconEntities, migrations: reconMigrations });
    const pg = new Client({ connectionString: url });
    await pg.connect();
    const loadStarted = performance.now();
    const snapshot = await loadGeneratedSnapshot(pg, { tenantId: 'bench', asOf: AS_OF, documents: transactions, customers, driftEvery });
    const loadMs = Math.round(performance.now() - loadStarted);
    // Parked until the service is up: the worker leaves a running run alone until its retry_at.
    await pg.query(`update recon.run set retry_at = now() + interval '1 day' where id = $1`, [snapshot.runId]);
    child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env['PATH'], PORT: String(port), DATABASE_URL: url, KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        QBO_CLIENT_ID: 'bench', QBO_CLIENT_SECRET: 'bench', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        RECON_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const pid = child.pid as number;
    for (let up = false; !up; ) {
      up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    const before = procFigures(pid);
    const started = performance.now();
    await pg.query(`update recon.run set retry_at = null where id = $1`, [snapshot.runId]);
    const latencies: number[] = [];
    for (;;) {
      const t = performance.now();
      await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      latencies.push(performance.now() - t);
      const [row] = (await pg.query<{ phase: string; state: string }>('select phase, state from recon.run where id = $1', [snapshot.runId])).rows;
      if (row.phase !== 'compare' || row.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = performance.now() - started;
    const after = procFigures(pid);
    const [row] = (await pg.query<{ phase: string; state: string; failure: unknown; result: { discrepancyCount: number } | null }>(
      'select phase, state, failure, result from recon.run where id = $1',
      [snapshot.runId],
    )).rows;
    await pg.end();
    if (row.state === 'failed') throw new Error(`the run failed: ${JSON.stringify(row.failure)}`);
    latencies.sort((a, b) => a - b);
    return {
      mode: 'built service process',
      rowsPerSide: transactions,
      customers,
      discrepancies: row.result?.discrepancyCount ?? -1,
      loadMs,
      compareMs: Math.round(elapsed),
      compareCpuMs: after.cpuMs - before.cpuMs,
      rssBeforeMiB: before.peakRssMiB,
      peakRssMiB: after.peakRssMiB,
      healthChecks: latencies.length,
      healthLatencyMaxMs: Math.round(latencies[latencies.length - 1]),
      healthLatencyP99Ms: Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]),
    };
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child?.once('exit', r));
    }
    await infra.stop();
  }
}

/** Runs one part in a child process (its own heap and RSS) and returns its figures. */
function runPart(part: string): Figures {
  const child = spawnSync(process.execPath, [join(__dirname, '..', 'tools', 'ts-run.cjs'), __filename], {
    env: { ...process.env, RECON_BENCH_PART: part },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`bench part ${part} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as Figures;
}

async function main(): Promise<void> {
  const part = process.env['RECON_BENCH_PART'];
  if (part) {
    const figures =
      part === 'pdf'
        ? await pdfPart()
        : part === 'service-built'
          ? await builtServicePart()
          : part === 'service' || part === 'service-inline'
            ? await servicePart(part === 'service-inline')
            : matchPart(part === 'match');
    process.stdout.write(JSON.stringify(figures) + '\n');
    return;
  }
  const match = runPart('match');
  const unlinked = runPart('unlinked');
  const pdf = runPart('pdf');
  const service = runPart('service');
  const inline = process.env['RECON_BENCH_SERVICE_INLINE'] === '1' ? runPart('service-inline') : undefined;
  const built = process.env['RECON_BENCH_SERVICE_BUILT'] === '1' ? runPart('service-built') : undefined;
  const rows = [
    { metric: `${match['transactions']} transactions (${match['sourceDocuments']} platform + ${match['qboDocuments']} QuickBooks documents, ${match['customers']} customers) parsed, compared, matched`, value: match['totalMs'], unit: 'ms', target: '≤ 10000' },
    { metric: '  the same, CPU time', value: match['totalCpuMs'], unit: 'ms cpu', target: '' },
    { metric: '  of which reconcile (aging, comparison, matching, classification, tie-out)', value: match['reconcileMs'], unit: 'ms', target: '' },
    { metric: '  peak RSS', value: match['peakRssMiB'], unit: 'MiB', target: '≤ 1024' },
    { metric: `  no stored links (every pair by blocking)`, value: unlinked['totalMs'], unit: 'ms', target: '' },
    { metric: '  no stored links, CPU time', value: unlinked['totalCpuMs'], unit: 'ms cpu', target: '' },
    { metric: '  no stored links, peak RSS', value: unlinked['peakRssMiB'], unit: 'MiB', target: '' },
    { metric: `service compare phase, worker thread: 2 × ${service['rowsPerSide']} rows read from PostgreSQL, reconciled, ${service['discrepancies']} discrepancies stored`, value: service['compareMs'], unit: 'ms', target: '≤ 10000' },
    { metric: '  the same, CPU time (all threads of the process)', value: service['compareCpuMs'], unit: 'ms cpu', target: '' },
    { metric: '  process peak RSS (main thread + worker)', value: service['peakRssMiB'], unit: 'MiB', target: '≤ 1024' },
    { metric: '  of which the process before the compare', value: service['rssBeforeMiB'], unit: 'MiB', target: '' },
    { metric: '  main-thread event-loop delay during it, max', value: service['eventLoopDelayMaxMs'], unit: 'ms', target: '' },
    { metric: '  main-thread event-loop delay during it, p99', value: service['eventLoopDelayP99Ms'], unit: 'ms', target: '' },
    ...(inline
      ? [
          { metric: '  the same phase on the main thread', value: inline['compareMs'], unit: 'ms', target: '' },
          { metric: '  main thread: peak RSS', value: inline['peakRssMiB'], unit: 'MiB', target: '' },
          { metric: '  main thread: event-loop delay max', value: inline['eventLoopDelayMaxMs'], unit: 'ms', target: '' },
          { metric: '  main thread: event-loop delay p99', value: inline['eventLoopDelayP99Ms'], unit: 'ms', target: '' },
        ]
      : []),
    ...(built
      ? [
          { metric: '  the built service as a process (dist/apps/recon-service/main.js), same phase', value: built['compareMs'], unit: 'ms', target: '≤ 10000' },
          { metric: '  built service: CPU time (/proc)', value: built['compareCpuMs'], unit: 'ms cpu', target: '' },
          { metric: '  built service: peak RSS (VmHWM)', value: built['peakRssMiB'], unit: 'MiB', target: '≤ 1024' },
          { metric: '  built service: RSS when healthy, before the run', value: built['rssBeforeMiB'], unit: 'MiB', target: '' },
          { metric: '  built service: /health latency during the compare, p99', value: built['healthLatencyP99Ms'], unit: 'ms', target: '' },
          { metric: '  built service: /health latency during the compare, max', value: built['healthLatencyMaxMs'], unit: 'ms', target: '' },
        ]
      : []),
    { metric: `audit PDF of ${pdf['discrepancies']} discrepancies (${pdf['pages']} pages, ${pdf['bytes']} bytes)`, value: pdf['renderMs'], unit: 'ms', target: '≤ 5000' },
    { metric: '  the same, CPU time', value: pdf['renderCpuMs'], unit: 'ms cpu', target: '' },
    { metric: '  peak RSS, PDF', value: pdf['peakRssMiB'], unit: 'MiB', target: '' },
  ];
  console.table(rows);
  writeResult('recon', { cores: cpus().length, match, unlinked, pdf, service, inline, built, rows });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
