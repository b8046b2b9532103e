/**
 * How close QboClient gets to QuickBooks' per-company ceiling without being throttled, against the QuickBooks
 * sandbox (apps/qbo-sandbox, run from source as its own process) with its REAL default limits: 500 requests
 * per minute (sliding 60 s window) and 10 in flight per realm.
 *
 *  (a) one realm: invoice creates through QboClient for the period, as fast as its limiter lets them go;
 *  (c) a peer, side by side with (a) in the same minute on its own realm: node-quickbooks 2.0.50 (the most
 *      used open-source Node client) doing the same workload naively — it has no limiter, so every 429 it
 *      receives is counted and its loop simply goes on;
 *  (b) 20 realms in parallel through one QboClient (aggregate, per-realm min/avg).
 *
 * Per-minute figures: the limit is a 60 s sliding window and a limiter may spend a window's budget in its first
 * second, so only completions inside whole 60 s windows from the start are counted (BENCH_QBO_SECONDS is rounded
 * down to a multiple of 60 for the figure). Below 60 s the figure is extrapolated (count × 60 / seconds), which
 * overstates a front-loading client; the result says so (`extrapolated: true`).
 *
 * Sizes: BENCH_QBO_SECONDS (default 60) per phase, so a run takes about 2 × that plus ~15 s of start-up;
 * BENCH_QBO_REALMS (default 20); BENCH_QBO_WORKERS (default 10 concurrent callers per realm, both clients).
 */
import { InMemoryTokenStore, QboClient, QboError, QboTokenManager, type SalesLine } from '@arbiter/qbo-client';
import QuickBooks, { type Invoice as PeerInvoice } from 'node-quickbooks';
import { loadavg } from 'node:os';
import { SandboxProcess, storeMintedConnection } from '../test/e2e/qbo-client-harness';
import { processCpuMs, runBench, writeResult } from './result';

const SECONDS = Number(process.env['BENCH_QBO_SECONDS'] ?? 60);
const REALMS = Number(process.env['BENCH_QBO_REALMS'] ?? 20);
const WORKERS = Number(process.env['BENCH_QBO_WORKERS'] ?? 10);
/** The sandbox's default per-realm limit (QBO_LIMIT_REQUESTS_PER_MINUTE), i.e. QuickBooks'. */
const CEILING_PER_MINUTE = 500;

/** Only whole 60 s windows give a true per-minute figure for a sliding-window limit. */
const WINDOW_SECONDS = SECONDS >= 60 ? Math.floor(SECONDS / 60) * 60 : SECONDS;
const EXTRAPOLATED = SECONDS < 60;
const perMinute = (countInWindow: number) => Math.round((countInWindow * 60) / WINDOW_SECONDS);

/** Writes JSON money from its text (JSON.rawJSON), so the peer is fed no JS-number amounts either. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

interface Tally {
  ok: number;
  /** Completed successfully inside the counted window. */
  okInWindow: number;
  /** Failures by type (ours: QboError.type; peer: HTTP status). */
  failures: Record<string, number>;
}

const newTally = (): Tally => ({ ok: 0, okInWindow: 0, failures: {} });
const fail = (t: Tally, what: string) => (t.failures[what] = (t.failures[what] ?? 0) + 1);

const invoiceLine: SalesLine = { DetailType: 'SalesItemLineDetail', Amount: '100.00', SalesItemLineDetail: { ItemRef: { value: '1' } } };

/** `WORKERS` loops creating invoices until the deadline; `create` resolves true for a committed invoice. */
async function hammer(create: (n: number) => Promise<boolean>, t0: number, tally: Tally): Promise<void> {
  const stopAt = t0 + SECONDS * 1000;
  const windowEnd = t0 + WINDOW_SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < stopAt) {
        if (await create(n++)) {
          tally.ok += 1;
          if (performance.now() <= windowEnd) tally.okInWindow += 1;
        }
      }
    }),
  );
}

/** Our client as a service builds it: QboTokenManager over the sandbox's minted tokens, its in-memory per-realm limiter. */
async function connectOurs(sandbox: SandboxProcess, realms: Array<{ realmId: string }>): Promise<QboClient> {
  const store = new InMemoryTokenStore();
  for (const { realmId } of realms) await storeMintedConnection(store, await sandbox.mint(realmId));
  return new QboClient({ apiBaseUrl: sandbox.url, tokens: new QboTokenManager({ oauth: sandbox.oauthConfig(), store }) });
}

async function runOurs(client: QboClient, realms: Array<{ realmId: string; customerId: string }>, t0: number): Promise<Map<string, Tally>> {
  const tallies = new Map(realms.map(({ realmId }) => [realmId, newTally()]));
  const stopAt = t0 + SECONDS * 1000;
  // At the deadline, callers still queued for a slot are released (the limiter rejects them) instead of waiting for the window.
  let closing: Promise<void> | undefined;
  const stop = setTimeout(() => (closing = client.close()), Math.max(0, stopAt - performance.now()));
  await Promise.all(
    realms.map(async ({ realmId, customerId }) => {
      const company = client.company(realmId);
      const tally = tallies.get(realmId) as Tally;
      await hammer(async (n) => {
        try {
          await company.create('Invoice', { CustomerRef: { value: customerId }, Line: [invoiceLine] }, { idempotencyKey: `bench:${realmId}:${n}` });
          return true;
        } catch (error) {
          if (!(error instanceof QboError)) throw error;
          fail(tally, performance.now() >= stopAt ? 'cancelled at the deadline' : error.type);
          return false;
        }
      }, t0, tally);
    }),
  );
  clearTimeout(stop);
  await (closing ?? client.close());
  return tallies;
}

/** node-quickbooks as its README shows it: endpoint pointed at the sandbox, the OAuth 2 access token given, no limiter. */
async function connectPeer(sandbox: SandboxProcess, realmId: string): Promise<QuickBooks> {
  const minted = await sandbox.mint(realmId);
  QuickBooks.V3_ENDPOINT_BASE_URL = `${sandbox.url}/v3/company/`;
  // useSandbox=true keeps V3_ENDPOINT_BASE_URL as set (false would only strip "sandbox-" from it).
  return new QuickBooks(sandbox.clientId, sandbox.clientSecret, minted.access_token, false, realmId, true, false, '75', '2.0', minted.refresh_token);
}

async function runPeer(qbo: QuickBooks, customerId: string, t0: number): Promise<Tally> {
  const tally = newTally();
  const body = () =>
    ({
      CustomerRef: { value: customerId },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: rawJson('100.00'), SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    }) as unknown as PeerInvoice;
  await hammer(
    () =>
      new Promise<boolean>((resolve) =>
        qbo.createInvoice(body(), (err, _data, res) => {
          if (!err) return resolve(true);
          fail(tally, String((res as { status?: number } | undefined)?.status ?? 'network'));
          resolve(false);
        }),
      ),
    t0,
    tally,
  );
  return tally;
}

async function main(): Promise<void> {
  if (!(SECONDS > 0 && REALMS > 0 && WORKERS > 0)) throw new Error('BENCH_QBO_SECONDS, BENCH_QBO_REALMS and BENCH_QBO_WORKERS must be positive');
  if (EXTRAPOLATED) console.warn(`BENCH_QBO_SECONDS=${SECONDS} < 60: per-minute figures are extrapolated from a part of one 60 s window and overstate a client that front-loads its budget.`);
  const sandbox = await SandboxProcess.start(); // the sandbox's own default limits: 500/min and 10 in flight per realm
  try {
    const limits = await sandbox.control<{ enabled: boolean; requestsPerMinute: number; maxInFlight: number }>('GET', 'limits');
    console.log(`sandbox limits: enabled=${limits.enabled} requestsPerMinute=${limits.requestsPerMinute} maxInFlight=${limits.maxInFlight}`);
    const newRealm = async () => {
      const { realmId, created } = await sandbox.newRealm({ customers: 1 });
      return { realmId, customerId: created.customers[0] };
    };

    // Phase 1: (a) ours and (c) the peer, each on its own realm, in the same minute.
    const single = await newRealm();
    const peerRealm = await newRealm();
    console.log(`phase 1: one realm each, ours and node-quickbooks side by side, ${SECONDS} s, ${WORKERS} callers each`);
    const oursClient = await connectOurs(sandbox, [single]);
    const peerClient = await connectPeer(sandbox, peerRealm.realmId);
    const t1 = performance.now();
    const [oursSingle, peer] = await Promise.all([runOurs(oursClient, [single], t1), runPeer(peerClient, peerRealm.customerId, t1)]);
    const ours = oursSingle.get(single.realmId) as Tally;
    const oursStats = await sandbox.stats(single.realmId);
    const peerStats = await sandbox.stats(peerRealm.realmId);

    // Phase 2: (b) many realms through one client.
    const realms = await Promise.all(Array.from({ length: REALMS }, newRealm));
    console.log(`phase 2: ${REALMS} realms through one QboClient, ${SECONDS} s, ${WORKERS} callers per realm`);
    const manyClient = await connectOurs(sandbox, realms);
    const cpu0 = process.cpuUsage();
    const sandboxCpu0 = processCpuMs(sandbox.pid);
    const wall0 = performance.now();
    const many = await runOurs(manyClient, realms, performance.now());
    const cpu = process.cpuUsage(cpu0);
    const manyCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    const manySandboxCpuMs = processCpuMs(sandbox.pid) - sandboxCpu0;
    const manyWallMs = Math.round(performance.now() - wall0);
    const manyStats = await Promise.all(realms.map(({ realmId }) => sandbox.stats(realmId)));

    const oursPerMinute = perMinute(ours.okInWindow);
    const peerPerMinute = perMinute(peer.okInWindow);
    const perRealm = realms.map(({ realmId }) => perMinute((many.get(realmId) as Tally).okInWindow));
    const aggregate = perRealm.reduce((a, b) => a + b, 0);
    const manyThrottled = manyStats.reduce((a, s) => a + s.throttled, 0);
    const manyFailures: Record<string, number> = {};
    for (const t of many.values()) for (const [k, v] of Object.entries(t.failures)) manyFailures[k] = (manyFailures[k] ?? 0) + v;
    const share = (n: number, ceiling: number) => Math.round((n / ceiling) * 1000) / 10;
    const ratio = peerPerMinute > 0 ? Math.round((oursPerMinute / peerPerMinute) * 100) / 100 : null;

    const rows = [
      { metric: 'one realm: invoice creates via QboClient', value: oursPerMinute, unit: 'writes/min', target: `≥ ${CEILING_PER_MINUTE * 0.95}` },
      { metric: 'one realm: share of the 500/min ceiling', value: share(oursPerMinute, CEILING_PER_MINUTE), unit: '%', target: '≥ 95' },
      { metric: 'one realm: 429s the sandbox answered us', value: oursStats.throttled, unit: '', target: '0' },
      { metric: `${REALMS} realms: aggregate invoice creates`, value: aggregate, unit: 'writes/min', target: `≥ ${REALMS * CEILING_PER_MINUTE * 0.95}` },
      { metric: `${REALMS} realms: share of ${REALMS} × 500/min`, value: share(aggregate, REALMS * CEILING_PER_MINUTE), unit: '%', target: '≥ 95' },
      { metric: `${REALMS} realms: per-realm min / avg`, value: `${Math.min(...perRealm)} / ${Math.round(aggregate / REALMS)}`, unit: 'writes/min', target: '≥ 475' },
      { metric: `${REALMS} realms: 429s the sandbox answered us`, value: manyThrottled, unit: '', target: '0' },
      { metric: 'node-quickbooks 2.0.50, one realm, naive', value: peerPerMinute, unit: 'writes/min', target: '' },
      { metric: 'node-quickbooks: 429s received', value: peerStats.throttled, unit: '', target: '' },
      { metric: 'ours / node-quickbooks successful writes per minute', value: ratio ?? 'n/a', unit: '×', target: '' },
    ];
    for (const r of rows) console.log(`${r.metric}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target})` : ''}`);
    console.log(`ours, one realm: ${ours.ok} written in ${SECONDS} s (${ours.okInWindow} in the counted ${WINDOW_SECONDS} s), sandbox saw ${oursStats.requests} requests / ${oursStats.writes['Invoice.Create'] ?? 0} writes, other outcomes ${JSON.stringify(ours.failures)}`);
    console.log(`node-quickbooks: ${peer.ok} written (${peer.okInWindow} counted), sandbox saw ${peerStats.requests} requests / ${peerStats.writes['Invoice.Create'] ?? 0} writes, failures by status ${JSON.stringify(peer.failures)}`);
    console.log(`${REALMS} realms through one client: ${manyWallMs} ms wall, ${manyCpuMs} ms CPU in this process, ${manySandboxCpuMs} ms in the sandbox's; 1-minute load average ${loadavg()[0].toFixed(1)} (other work on the machine skews wall-clock figures)`);
    console.log(`${REALMS} realms: per realm ${JSON.stringify(perRealm)}; sandbox writes ${manyStats.reduce((a, s) => a + (s.writes['Invoice.Create'] ?? 0), 0)}, our successes ${[...many.values()].reduce((a, t) => a + t.ok, 0)}, other outcomes ${JSON.stringify(manyFailures)}`);

    writeResult('qbo-client', {
      seconds: SECONDS,
      countedWindowSeconds: WINDOW_SECONDS,
      extrapolated: EXTRAPOLATED,
      workersPerRealm: WORKERS,
      sandboxLimits: limits,
      single: { writesPerMinute: oursPerMinute, shareOfCeiling: share(oursPerMinute, CEILING_PER_MINUTE), ok: ours.ok, okInWindow: ours.okInWindow, throttled: oursStats.throttled, sandboxRequests: oursStats.requests, sandboxWrites: oursStats.writes['Invoice.Create'] ?? 0, otherOutcomes: ours.failures },
      loadAverage: Math.round(loadavg()[0] * 10) / 10,
      realms: { count: REALMS, wallMs: manyWallMs, cpuMs: manyCpuMs, sandboxCpuMs: manySandboxCpuMs, aggregateWritesPerMinute: aggregate, shareOfCeiling: share(aggregate, REALMS * CEILING_PER_MINUTE), perRealmMin: Math.min(...perRealm), perRealmAvg: Math.round(aggregate / REALMS), perRealm, throttled: manyThrottled, otherOutcomes: manyFailures },
      peer: { client: 'node-quickbooks 2.0.50', writesPerMinute: peerPerMinute, ok: peer.ok, okInWindow: peer.okInWindow, throttled: peerStats.throttled, sandboxRequests: peerStats.requests, failuresByStatus: peer.failures },
      oursOverPeer: ratio,
      rows,
    });
  } finally {
    await sandbox.stop();
  }
}

runBench(main);
