import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startReaper } from './reaper';
import { ensureDebianPackages } from './system';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
}

/** Control over the local broker, for fault tests. */
export interface MockKafkaControl {
  brokerDown(brokerId: number): Promise<void>;
  brokerUp(brokerId: number): Promise<void>;
  createTopic(topic: TopicSpec): Promise<void>;
  /** The next `count` requests of Kafka API `apiKey` fail with `errorCode` (e.g. 0 = Produce, 6 = NOT_LEADER). */
  failRequests(apiKey: number, errorCode: number, count: number): Promise<void>;
  setBrokerRttMs(brokerId: number, ms: number): Promise<void>;
}

export interface RunningKafka extends MockKafkaControl {
  brokers: string[];
  brokerCount: number;
  stop(): Promise<void>;
}

const SOURCE = resolve(__dirname, '..', 'native', 'mockkafka.c');
const CACHE_DIR = resolve(__dirname, '..', '..', '..', 'node_modules', '.cache', 'arbiter');

/** Builds the launcher from Debian's librdkafka-dev once per source revision; returns the binary's path. */
export function buildMockKafkaLauncher(): string {
  const source = readFileSync(SOURCE);
  const binary = join(CACHE_DIR, `mockkafka-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  ensureDebianPackages(
    ['librdkafka-dev', 'gcc', 'libc6-dev'],
    'The local Kafka-protocol broker is librdkafka\'s mock cluster, built from librdkafka-dev with gcc',
    () => existsSync('/usr/include/librdkafka/rdkafka_mock.h') && spawnSync('gcc', ['--version']).status === 0,
  );
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', tmp, SOURCE, '-lrdkafka'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the mock Kafka launcher failed: ${cc.stderr}`);
  renameSync(tmp, binary); // atomic: parallel test runs may build at the same time
  return binary;
}

/**
 * Starts librdkafka's mock cluster (real Kafka wire protocol; kafkajs produces and consumes with
 * consumer groups against it). It has no CreateTopics API, so every topic is created here.
 * Limits worth knowing: no leader failover while a broker is down, transactions not honoured,
 * the first consumer-group join takes ~3 s.
 */
export async function startMockKafka(options: { brokers?: number; topics?: TopicSpec[] } = {}): Promise<RunningKafka> {
  const binary = buildMockKafkaLauncher();
  const brokerCount = options.brokers ?? 3;
  const args = ['-b', String(brokerCount)];
  for (const t of options.topics ?? []) args.push('-t', `${t.name}:${t.partitions}:${t.replicationFactor ?? Math.min(3, brokerCount)}`);
  const child: ChildProcess = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const reaper = startReaper(process.pid, [child.pid as number], []);
  const lines = createInterface({ input: child.stdout! });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (c: string) => stderr.push(c));

  const waiters: ((line: string) => void)[] = [];
  let bootstrap: (value: string) => void;
  let failStart: (error: Error) => void;
  const bootstrapLine = new Promise<string>((res, rej) => ((bootstrap = res), (failStart = rej)));
  lines.on('line', (line) => {
    if (line.startsWith('BOOTSTRAP=')) bootstrap(line.slice('BOOTSTRAP='.length));
    else waiters.shift()?.(line);
  });
  child.once('exit', (code) => failStart(new Error(`mock Kafka exited (code ${code}) before it was ready: ${stderr.join('')}`)));
  const brokers = (await bootstrapLine).split(',');

  let queue = Promise.resolve();
  const command = (line: string) =>
    (queue = queue.then(
      () =>
        new Promise<void>((res, rej) => {
          waiters.push((answer) => (answer.startsWith('OK') ? res() : rej(new Error(`mock Kafka: ${answer}`))));
          child.stdin!.write(`${line}\n`);
        }),
    ));

  let stopped: Promise<void> | null = null;
  return {
    brokers,
    brokerCount,
    brokerDown: (id) => command(`down ${id}`),
    brokerUp: (id) => command(`up ${id}`),
    createTopic: (t) => command(`topic ${t.name} ${t.partitions} ${t.replicationFactor ?? Math.min(3, brokerCount)}`),
    failRequests: (apiKey, errorCode, count) => command(`err ${apiKey} ${errorCode} ${count}`),
    setBrokerRttMs: (id, ms) => command(`rtt ${id} ${ms}`),
    stop: () =>
      (stopped ??= new Promise<void>((res) => {
        const done = () => (reaper.stop(), res());
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.stdin!.end(); // EOF ends the launcher cleanly
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      })),
  };
}
