/**
 * `npm run bench`: every benchmark of ARCHITECTURE.md §4, one after another (each on its own fresh local
 * infrastructure, so they do not disturb each other), then one table with each figure beside its target.
 * BENCH_QUICK=1 shrinks the sizes so the whole run takes a few minutes; BENCH_ONLY=inbound,recon picks some.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

interface Row {
  metric: string;
  value: number | string;
  unit: string;
  target: string;
}

const ROOT = join(__dirname, '..');
const quick = process.env['BENCH_QUICK'] === '1';
const QUICK_ENV: Record<string, string> = {
  BENCH_INBOUND_EVENTS: '10000',
  BENCH_INBOUND_BURST: '10000',
  BENCH_QBO_SECONDS: '60',
  BENCH_SYNC_SECONDS: '60',
  BENCH_SYNC_WARMUP_SECONDS: '10',
  RECON_BENCH_TRANSACTIONS: '200000',
  RECON_BENCH_CUSTOMERS: '2000',
  RECON_BENCH_DISCREPANCIES: '10000',
  BENCH_GATEWAY_SECONDS: '10',
};

const BENCHES = ['inbound', 'sync-push', 'qbo-client', 'recon', 'gateway'];
const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim());

const rows: (Row & { bench: string })[] = [];
for (const name of BENCHES) {
  if (only && !only.includes(name)) continue;
  const file = join(ROOT, 'bench', `${name}.bench.ts`);
  if (!existsSync(file)) continue;
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, [join(ROOT, 'tools', 'ts-run.cjs'), file], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...(quick ? QUICK_ENV : {}), ...process.env, NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning' },
  });
  if (run.status !== 0) {
    rows.push({ bench: name, metric: 'benchmark failed', value: `exit ${run.status}`, unit: '', target: '' });
    continue;
  }
  const resultFile = join(ROOT, 'bench', 'results', `${name}.json`);
  const result = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as { rows?: Row[] }) : {};
  for (const row of result.rows ?? []) rows.push({ bench: name, ...row });
}

const header = `Arbiter benchmarks — ${new Date().toISOString()} — ${cpus().length} cores — Node ${process.version}${quick ? ' — quick sizes' : ''}`;
const table = [
  '| benchmark | metric | figure | target |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.bench} | ${r.metric} | ${r.value} ${r.unit} | ${r.target} |`),
].join('\n');
console.log(`\n${header}\n\n${table}\n`);
writeFileSync(join(ROOT, 'bench', 'results', 'summary.md'), `${header}\n\n${table}\n`);
writeFileSync(join(ROOT, 'bench', 'results', 'summary.json'), JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, node: process.version, quick, rows }, null, 2) + '\n');
