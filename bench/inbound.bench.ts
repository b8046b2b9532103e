/**
 * Inbound events validated, deduplicated and persisted per second (target ≥ 5,000/s on 2 cores), and how long
 * consumer lag takes to return to 0 after a 10,000-event burst (target ≤ 2 s). Runs the real sync-service
 * module (inbox consumer with group commit, PostgreSQL inbox + source ledger) in this process against the local
 * broker and database; the producer and the lag watcher run in a child process (bench/inbound-producer.ts) so
 * they take nothing from the consumer's event loop. Prints wall time beside the CPU time of both processes: on
 * a shared machine the wall figures are pessimistic.
 * Sizes: BENCH_INBOUND_EVENTS (default 20000), BENCH_INBOUND_BURST (default 10000).
 */
import { TopicSpecs } from '@arbiter/contracts';
import { createDatabase, provideInfra } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import { NestFactory } from '@nestjs/core';
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppModule, syncEntities } from '../apps/sync-service/src/app.module';
import { SyncConfigSchema } from '../apps/sync-service/src/config';
import { kafkaTransport } from '../apps/sync-service/src/kafka-transport';
import { syncMigrations } from '../apps/sync-service/src/migrations';
import type { PhaseReport, PhaseRequest } from './inbound-producer';
import { runBench, writeResult } from './result';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * CPU milliseconds spent so far by the descendants of this process other than `exclude`, split into the embedded
 * PostgreSQL (postmaster and backends) and the rest (the broker), read from /proc; reaped children count through
 * their parent's cutime/cstime. Zeros where the database and broker are not our children (Docker, given URLs).
 */
function infraCpuMs(exclude: number): { postgres: number; broker: number } {
  const parentOf = new Map<number, number>();
  const usage = new Map<number, { ticks: number; postgres: boolean }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
      parentOf.set(Number(entry), Number(fields[1]));
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      usage.set(Number(entry), { ticks, postgres: comm.startsWith('postgres') });
    } catch {
      // the process ended while we read
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) {
      if (p === exclude) return false;
      if (p === process.pid) return true;
    }
    return false;
  };
  const total = { postgres: 0, broker: 0 };
  for (const [pid, u] of usage) {
    if (pid === exclude || !isOurs(pid)) continue;
    total[u.postgres ? 'postgres' : 'broker'] += (u.ticks / TICKS_PER_SECOND) * 1000;
  }
  return total;
}

async function main(): Promise<void> {
  const total = Number(process.env['BENCH_INBOUND_EVENTS'] ?? 20_000);
  const burst = Number(process.env['BENCH_INBOUND_BURST'] ?? 10_000);
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) });
  const url = await createDatabase(infra.databaseUrl, `bench_inbound_${randomBytes(3).toString('hex')}`);
  await runServiceMigrations({ clientUrl: url, schema: 'sync', entities: syncEntities, migrations: syncMigrations });
  // The service's defaults (the inbox's tuning keys may be overridden from the environment), except: short group
  // timings (a fresh group joins fast) and pushing off (inbound only).
  const tuning = ['KAFKA_MAX_WAIT_TIME_MS', 'KAFKA_MIN_BYTES', 'KAFKA_PARTITIONS_CONCURRENTLY', 'INBOX_GROUP_MAX_MESSAGES'];
  const config = SyncConfigSchema.parse({
    DATABASE_URL: url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), KAFKA_GROUP_ID: `bench-${randomBytes(3).toString('hex')}`,
    KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    QBO_CLIENT_ID: 'bench', QBO_CLIENT_SECRET: 'bench', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PUSH_ENABLED: 'false', LOG_LEVEL: 'error',
    ...Object.fromEntries(tuning.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
  app.connectMicroservice(kafkaTransport(config));
  await app.startAllMicroservices();
  await app.init();

  const child = fork(join(__dirname, '..', 'tools', 'ts-run.cjs'), [join(__dirname, 'inbound-producer.ts')], {
    env: { ...process.env, BENCH_BROKERS: infra.kafkaBrokers.join(','), BENCH_GROUP_ID: config.KAFKA_GROUP_ID },
  });
  const replies: ((message: unknown) => void)[] = [];
  child.on('message', (message) => replies.shift()?.(message));
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`producer process exited with ${code}`))));
  exited.catch(() => undefined); // observed by next() while a phase runs; after 'stop' the exit is expected
  const next = () => Promise.race([new Promise((resolve) => replies.push(resolve)), exited]);
  await next(); // ready
  /** Runs one phase in the child; returns its report and the CPU time this (the consumer's) process spent meanwhile. */
  const phase = async (request: PhaseRequest) => {
    const cpu0 = process.cpuUsage();
    const infra0 = infraCpuMs(child.pid ?? 0);
    child.send(request);
    const report = (await next()) as PhaseReport;
    const cpu = process.cpuUsage(cpu0);
    const infra1 = infraCpuMs(child.pid ?? 0);
    return { ...report, consumerCpuMs: (cpu.user + cpu.system) / 1000, postgresCpuMs: infra1.postgres - infra0.postgres, brokerCpuMs: infra1.broker - infra0.broker };
  };

  const warm = { phase: 'warm', count: 500 };
  await phase(warm); // the consumer group joins and every partition gets a fetch going
  const sustained = await phase({ phase: 'sustained', count: total });
  const burstRun = await phase({ phase: 'burst', count: burst });
  child.send('stop');
  await exited.catch(() => undefined);

  const pg = new Client({ connectionString: url });
  await pg.connect();
  const persisted = Number((await pg.query('select count(*)::int as n from sync.inbound_event')).rows[0].n);
  await pg.end();
  const expected = warm.count + total + burst;
  if (persisted !== expected) throw new Error(`expected ${expected} inbox rows, found ${persisted}`);

  const perSecond = Math.round((total / sustained.drainedMs) * 1000);
  const rows = [
    { metric: 'inbound events validated, deduped and persisted', value: perSecond, unit: 'events/s', target: '≥ 5000' },
    { metric: `consumer lag back to 0 after a ${burst}-event burst`, value: Math.round(burstRun.lagZeroMs), unit: 'ms', target: '≤ 2000' },
  ];
  const ms = (n: number) => `${Math.round(n)} ms`;
  for (const r of rows) console.log(`${r.metric}: ${r.value} ${r.unit} (target ${r.target})`);
  for (const [p, count] of [[sustained, total], [burstRun, burst]] as const) {
    const cpu = p.consumerCpuMs + p.postgresCpuMs + p.brokerCpuMs + p.cpuMs;
    const perEvent = (n: number) => `${Math.round((n * 1000) / count)} µs`;
    console.log(
      `${p.phase}: wall ${ms(p.drainedMs)} (producing ${ms(p.produceMs)}, then lag 0 after ${ms(p.lagZeroMs)}); ` +
        `CPU: consumer process ${ms(p.consumerCpuMs)}, PostgreSQL ${ms(p.postgresCpuMs)}, broker ${ms(p.brokerCpuMs)}, producer process ${ms(p.cpuMs)}; ` +
        `per event ${perEvent(p.consumerCpuMs)} + ${perEvent(p.postgresCpuMs)} + ${perEvent(p.brokerCpuMs)} + ${perEvent(p.cpuMs)}; ` +
        `cores obtained ${(cpu / p.drainedMs).toFixed(2)} of 2`,
    );
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average ${load} (2 cores: above 2 the wall figures include waiting for other processes)`);
  writeResult('inbound', {
    events: total, burst, eventsPerSecond: perSecond, lagZeroMs: Math.round(burstRun.lagZeroMs), loadAverage: load,
    sustained: { wallMs: Math.round(sustained.drainedMs), produceMs: Math.round(sustained.produceMs), consumerCpuMs: Math.round(sustained.consumerCpuMs), producerCpuMs: Math.round(sustained.cpuMs), postgresCpuMs: Math.round(sustained.postgresCpuMs), brokerCpuMs: Math.round(sustained.brokerCpuMs) },
    burstPhase: { wallMs: Math.round(burstRun.drainedMs), produceMs: Math.round(burstRun.produceMs), consumerCpuMs: Math.round(burstRun.consumerCpuMs), producerCpuMs: Math.round(burstRun.cpuMs), postgresCpuMs: Math.round(burstRun.postgresCpuMs), brokerCpuMs: Math.round(burstRun.brokerCpuMs) },
    config: { KAFKA_PARTITIONS_CONCURRENTLY: config.KAFKA_PARTITIONS_CONCURRENTLY, KAFKA_MIN_BYTES: config.KAFKA_MIN_BYTES, KAFKA_MAX_WAIT_TIME_MS: config.KAFKA_MAX_WAIT_TIME_MS, INBOX_GROUP_MAX_MESSAGES: config.INBOX_GROUP_MAX_MESSAGES },
    rows,
  });

  await app.close();
  await infra.stop();
}

runBench(main);
