/**
 * Gateway: problem-list p99 latency at 500 requests/s on loopback (target ≤ 50 ms on 2 cores).
 * The real gateway app (auth with a real API key against PostgreSQL, role check, rate limiter, validation,
 * metrics, JSON logs at `warn`) runs in this process; a fake sync-service answering a realistic 50-item page
 * runs in a worker thread (its own event loop, as a separate service would have); autocannon runs as a child
 * process. Two load shapes at the same rate: steady (an open-loop generator, one request every 2 ms, latency from
 * when each was due) and autocannon `-R 500 -c 16 -C` (each connection's quota for the second sent back-to-back,
 * i.e. bursts of 16 concurrent requests; `-C` because autocannon's coordinated-omission correction assumes a
 * 1 ms interval and would add up to one synthetic sample per millisecond of every response). Short direct runs
 * against the fake give the baseline the gateway adds to.
 * Sizes: BENCH_GATEWAY_SECONDS (default 15), BENCH_GATEWAY_RATE (default 500), BENCH_GATEWAY_CONNECTIONS (default 16).
 */
import { createDatabase, startEmbeddedPostgres } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createApiKey } from '../apps/gateway/src/api-keys/create-api-key';
import { gatewayEntities } from '../apps/gateway/src/app.module';
import { GatewayConfigSchema } from '../apps/gateway/src/config';
import { startGateway } from '../apps/gateway/src/gateway-app';
import { gatewayMigrations } from '../apps/gateway/src/migrations';
import { writeResult } from './result';

const ROOT = join(__dirname, '..');
const CONNECTIONS = Number(process.env['BENCH_GATEWAY_CONNECTIONS'] ?? 16);

interface Cannon {
  latency: Record<string, number>;
  requests: { total: number; average: number; sent: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

/** A page as the sync-service answers it: 50 open problems with reasons, codes, attempts and actions. */
function problemPage(): unknown {
  const items = Array.from({ length: 50 }, (_, i) => ({
    id: `6f1c2a4e-9b1d-4c7e-8f00-${String(i).padStart(12, '0')}`,
    entityType: ['invoice', 'payment', 'customer', 'item', 'credit-memo'][i % 5],
    sourceId: `inv-${10_000 + i}`,
    kind: ['duplicate_match', 'book_closed', 'item_not_found', 'qbo_validation'][i % 4],
    state: 'open',
    reason: `Customer “Acme Holdings ${i}” matches two QuickBooks customers by billing email (ap${i}@acme.example); pick one under Mappings, then resync.`,
    qboErrorCode: i % 3 === 0 ? '6240' : null,
    qboMessage: i % 3 === 0 ? 'Duplicate Name Exists Error: The name supplied already exists.' : null,
    attempts: 1 + (i % 5),
    allowedActions: ['map', 'resync', 'clear', 'mark_paid'],
    details: { candidates: [String(50 + i), String(90 + i)], documentNumber: `INV-${10_000 + i}`, total: `${(1234.5 + i).toFixed(2)}` },
    firstSeenAt: '2026-10-30T09:00:00.000Z',
    lastSeenAt: '2026-10-31T17:04:05.123Z',
    resolvedAt: null,
    resolvedBy: null,
  }));
  return { items, nextCursor: 'WyIyMDI2LTEwLTMxVDE3OjA0OjA1LjEyMzQ1NloiLCI2ZjFjMmE0ZSJd' };
}

/** The fake sync-service, in a worker thread: answers every GET …/problems with the page, serialised per request. */
function startFakeSync(page: unknown): Promise<{ url: string; stop: () => Promise<number> }> {
  const worker = new Worker(
    `
    const { createServer } = require('node:http');
    const { parentPort, workerData } = require('node:worker_threads');
    const server = createServer((req, res) => {
      if (!/\\/internal\\/v1\\/tenants\\/[^/]+\\/problems/.test(req.url)) { res.writeHead(404); res.end(); return; }
      const body = JSON.stringify(workerData.page);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.keepAliveTimeout = 30000;
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => server.close());
    `,
    { eval: true, workerData: { page } },
  );
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (port: number) => resolve({ url: `http://127.0.0.1:${port}`, stop: () => worker.terminate() }));
  });
}

/** Cumulative bucket counts of the gateway's own latency histogram for the problem list (le → count). */
async function serverBuckets(gatewayUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const buckets = new Map<string, number>();
  const line = /^arbiter_gateway_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/api\/v1\/problems",status="200"\} (\d+)$/gm;
  for (let m = line.exec(text); m; m = line.exec(text)) buckets.set(m[1], Number(m[2]));
  return buckets;
}

/** The smallest histogram bound under which 99 % of the requests between two snapshots were answered, in ms. */
function serverP99(before: Map<string, number>, after: Map<string, number>): { p99UpperBoundMs: number | null; within50Ms: number } {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  let p99: number | null = null;
  for (const [le, count] of after) {
    if (le === '+Inf') continue;
    if (p99 === null && count - (before.get(le) ?? 0) >= 0.99 * total) p99 = Number(le) * 1000;
  }
  const within = (after.get('0.05') ?? 0) - (before.get('0.05') ?? 0);
  return { p99UpperBoundMs: p99, within50Ms: total ? Number((within / total).toFixed(4)) : 0 };
}

interface Paced {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  achievedRate: number;
  latencyMs: { p50: number; p90: number; p99: number; p99_9: number; max: number };
}

/**
 * An open-loop generator, as a child process: one request every 1000/rate ms on a keep-alive pool, each latency
 * measured from when the request was due (so a stalled generator or server counts against the figure, free of
 * coordinated omission). autocannon's `-R` sends each connection's quota for the second back-to-back and then
 * waits for the next second, so its latency is that of bursts of `-c` concurrent requests; this is the steady rate.
 */
function paced(url: string, options: { rate: number; seconds: number; headers: Record<string, string> }): Promise<Paced> {
  const code = `
    const { Pool } = require('undici');
    const [url, rate, seconds, headers] = JSON.parse(process.argv[1]);
    const u = new URL(url);
    const pool = new Pool(u.origin, { connections: 128, pipelining: 1 });
    const interval = 1000 / rate, total = Math.round(rate * seconds), latencies = [];
    let sent = 0, done = 0, non2xx = 0, errors = 0;
    const start = performance.now() + 20;
    const finish = () => {
      latencies.sort((a, b) => a - b);
      const at = (q) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2));
      const elapsed = (performance.now() - start) / 1000;
      process.stdout.write(JSON.stringify({ sent, ok: latencies.length, non2xx, errors, achievedRate: Math.round(sent / elapsed),
        latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p99_9: at(0.999), max: at(1) } }));
      pool.close().then(() => process.exit(0));
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent++ * interval;
        pool.request({ method: 'GET', path: u.pathname + u.search, headers })
          .then(async (res) => { await res.body.dump(); if (res.statusCode === 200) latencies.push(performance.now() - due); else non2xx++; })
          .catch(() => errors++)
          .finally(() => { if (++done === total) finish(); });
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code, JSON.stringify([url, options.rate, options.seconds, options.headers])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`paced generator exited ${code}: ${err}`));
      resolve(JSON.parse(out) as Paced);
    });
  });
}

/** autocannon as a child process (its own core time), at a fixed rate; answers its JSON summary. */
function cannon(url: string, options: { rate: number; seconds: number; headers?: Record<string, string> }): Promise<Cannon> {
  const args = [join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '--json', '-C', '-c', String(CONNECTIONS), '-R', String(options.rate), '-d', String(options.seconds)];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() as string) as Cannon);
      } catch (error) {
        reject(new Error(`autocannon output is not JSON: ${(error as Error).message}: ${out.slice(0, 200)}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_GATEWAY_SECONDS'] ?? 15);
  const rate = Number(process.env['BENCH_GATEWAY_RATE'] ?? 500);
  const given = process.env['DATABASE_URL'];
  const pg = given ? null : await startEmbeddedPostgres();
  const serverUrl = given ?? pg!.url;
  const databaseUrl = await createDatabase(serverUrl, `bench_gateway_${randomBytes(3).toString('hex')}`);
  const fake = await startFakeSync(problemPage());
  try {
    const config = GatewayConfigSchema.parse({
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: '127.0.0.1:9092', // validated, not used by the gateway
      HOST: '127.0.0.1',
      PORT: '0',
      SYNC_SERVICE_URL: fake.url,
      RECON_SERVICE_URL: fake.url,
      QBO_CLIENT_ID: 'bench',
      QBO_CLIENT_SECRET: 'bench',
      QBO_REDIRECT_URI: 'http://127.0.0.1:3000/oauth/quickbooks/callback',
      QBO_WEBHOOK_VERIFIER_TOKEN: 'bench',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // One key sends all the load: the limiter still runs on every request, with a ceiling above the offered rate.
      RATE_LIMIT_PER_MINUTE: String(rate * 60 * 4),
      // Request lines at info would measure stdout, not the gateway.
      LOG_LEVEL: 'warn',
    });
    await runServiceMigrations({ clientUrl: databaseUrl, schema: config.DATABASE_SCHEMA, entities: gatewayEntities, migrations: gatewayMigrations });
    const { key } = await createApiKey({ databaseUrl, tenantId: 'acme', role: 'auditor', name: 'bench' });
    const gateway = await startGateway(config);
    const target = `${gateway.url}/api/v1/problems?status=open&limit=50`;
    const headers = { authorization: `Bearer ${key}` };
    try {
      const probe = await fetch(target, { headers });
      const probeBody = (await probe.json()) as { items?: unknown[] };
      if (probe.status !== 200 || probeBody.items?.length !== 50) throw new Error(`probe answered ${probe.status} with ${probeBody.items?.length} items`);
      const pageBytes = Buffer.byteLength(JSON.stringify(probeBody));

      console.log(`warming up (3 s at ${Math.round(rate / 2)} req/s)`);
      await cannon(target, { rate: Math.round(rate / 2), seconds: 3, headers });
      const fakeTarget = `${fake.url}/internal/v1/tenants/acme/problems?status=open&limit=50`;
      console.log(`baseline: the fake sync-service alone, 5 s at ${rate} req/s, steady and with autocannon`);
      const baselinePaced = await paced(fakeTarget, { rate, seconds: 5, headers: {} });
      const baseline = await cannon(fakeTarget, { rate, seconds: 5 });

      console.log(`measuring: GET /api/v1/problems through the gateway, ${seconds} s at ${rate} req/s, steady (open loop)`);
      let before = await serverBuckets(gateway.url);
      const steady = await paced(target, { rate, seconds, headers });
      const steadyServer = serverP99(before, await serverBuckets(gateway.url));
      console.log(`measuring: the same with autocannon -R ${rate} -c ${CONNECTIONS} -C, ${seconds} s`);
      before = await serverBuckets(gateway.url);
      const run = await cannon(target, { rate, seconds, headers });
      const server = serverP99(before, await serverBuckets(gateway.url));

      const l = run.latency;
      const achieved = run.requests.total / run.duration;
      writeResult('gateway', {
        offeredRate: rate,
        seconds,
        pageBytes,
        steady: { ...steady, serverSide: steadyServer },
        autocannon: {
          connections: CONNECTIONS,
          achievedRate: Math.round(achieved),
          requests: run.requests.total,
          non2xx: run.non2xx,
          errors: run.errors,
          timeouts: run.timeouts,
          latencyMs: { p50: l['p50'], p90: l['p90'], p97_5: l['p97_5'], p99: l['p99'], p99_9: l['p99_9'], max: l['max'], mean: l['mean'] },
          // Measured inside the gateway (arrival to last byte written), from its own histogram: excludes the client's queueing.
          serverSide: server,
        },
        baseline: { steadyLatencyMs: baselinePaced.latencyMs, autocannonLatencyMs: { p50: baseline.latency['p50'], p99: baseline.latency['p99'], max: baseline.latency['max'] } },
        settings: { rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, apiKeyCacheTtlMs: config.API_KEY_CACHE_TTL_MS, logLevel: config.LOG_LEVEL },
        loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
        rows: [
          { metric: `problem list p99 at ${rate} req/s, steady (loopback, 50-item page)`, value: steady.latencyMs.p99, unit: 'ms', target: '≤ 50 ms' },
          { metric: `problem list p99 at ${rate} req/s, autocannon -c ${CONNECTIONS} (per-second bursts)`, value: l['p99'], unit: 'ms', target: '≤ 50 ms' },
          { metric: 'problem list p50, steady / autocannon', value: `${steady.latencyMs.p50} / ${l['p50']}`, unit: 'ms', target: '' },
          { metric: 'achieved rate, steady / autocannon', value: `${steady.achievedRate} / ${Math.round(achieved)}`, unit: 'req/s', target: `${rate} req/s` },
          { metric: 'non-2xx + errors + timeouts', value: steady.non2xx + steady.errors + run.non2xx + run.errors + run.timeouts, unit: '', target: '0' },
          { metric: 'fake sync-service alone p99, steady (baseline)', value: baselinePaced.latencyMs.p99, unit: 'ms', target: '' },
        ],
      });
      const line = (name: string, x: { p50: number; p90: number; p99: number; p99_9: number; max: number }) =>
        `  ${name}: p50 ${x.p50}  p90 ${x.p90}  p99 ${x.p99}  p99.9 ${x.p99_9}  max ${x.max}`;
      console.log(
        `gateway problem list at ${rate} req/s for ${seconds} s (target p99 ≤ 50 ms), latency in ms:\n` +
          line(`steady     (achieved ${steady.achievedRate} req/s, ${steady.ok} ok, non-2xx ${steady.non2xx}, errors ${steady.errors})`, steady.latencyMs) + '\n' +
          line(`autocannon (achieved ${Math.round(achieved)} req/s, ${run.requests.total} requests, non-2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts})`, { p50: l['p50'], p90: l['p90'], p99: l['p99'], p99_9: l['p99_9'], max: l['max'] }) + '\n' +
          `  server-side (gateway histogram): steady p99 ≤ ${steadyServer.p99UpperBoundMs} ms (${(steadyServer.within50Ms * 100).toFixed(2)} % within 50 ms); autocannon p99 ≤ ${server.p99UpperBoundMs} ms (${(server.within50Ms * 100).toFixed(2)} %)\n` +
          line('baseline, the fake sync-service alone, steady', baselinePaced.latencyMs) + `; autocannon p50 ${baseline.latency['p50']} p99 ${baseline.latency['p99']}\n` +
          `  load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores (other work on the machine shows up as latency); page ${pageBytes} bytes; bench/results/gateway.json`,
      );
    } finally {
      await new Promise((r) => setTimeout(r, 1_000)); // let requests still in flight finish before the pools close
      await gateway.close();
    }
  } finally {
    await fake.stop();
    await pg?.stop();
  }
}

main().catch((error) => {
  console.error(`gateway bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
