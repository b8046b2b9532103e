import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { buildMockKafkaLauncher, ensureDebianPackages, INFRA_TMP_ROOT, MissingSystemPackageError, provideInfra, startMockKafka } from '../src';

const portOpen = (hostPort: string) =>
  new Promise<boolean>((res) => {
    const [host, port] = hostPort.split(':');
    const socket = connect(Number(port), host);
    socket.once('connect', () => (socket.destroy(), res(true)));
    socket.once('error', () => res(false));
  });
const waitFor = async (probe: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe('dev-infra', () => {
  it('uses DATABASE_URL and KAFKA_BROKERS when they are given, starting nothing', async () => {
    const sut = await provideInfra({ topics: [], env: { DATABASE_URL: process.env['DATABASE_URL'], KAFKA_BROKERS: process.env['KAFKA_BROKERS'] } });
    expect(sut.kind).toEqual({ postgres: 'given', kafka: 'given' });
    expect(sut.kafka).toBeNull();
    const client = new Client({ connectionString: sut.databaseUrl });
    await client.connect();
    expect((await client.query('select 1.50::numeric(18,2) as x')).rows).toEqual([{ x: '1.50' }]);
    await client.end();
    await sut.stop();
  });

  it('leaves no process, port or temp dir behind when its parent is killed with SIGKILL', async () => {
    const script = `
      process.env.ARBITER_NO_DOCKER = '1';
      const { provideInfra } = require(${JSON.stringify(resolve(__dirname, '../src/index.ts'))});
      provideInfra({ topics: [{ name: 'orphan.check', partitions: 2 }], env: {} }).then((infra) => {
        const pgPort = new URL(infra.databaseUrl).port;
        console.log(JSON.stringify({ pgPort, brokers: infra.kafkaBrokers }));
      });`;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, SWC_NODE_PROJECT: resolve(__dirname, '../../../tsconfig.base.json'), DATABASE_URL: '', KAFKA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const started = await new Promise<{ pgPort: string; brokers: string[] }>((res, rej) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) res(JSON.parse(line));
      });
      child.once('exit', (code) => rej(new Error(`child exited early with ${code}`)));
    });
    expect(await portOpen(`127.0.0.1:${started.pgPort}`)).toBe(true);
    expect(await portOpen(started.brokers[0])).toBe(true);
    const ownDirs = () => readdirSync(INFRA_TMP_ROOT).filter((d: string) => d.includes(`-${child.pid}-`));
    expect(ownDirs().length).toBe(1); // the PostgreSQL data dir

    child.kill('SIGKILL');
    expect(await waitFor(async () => !(await portOpen(`127.0.0.1:${started.pgPort}`)), 10_000)).toBe(true);
    expect(await waitFor(async () => !(await portOpen(started.brokers[0])), 10_000)).toBe(true);
    expect(await waitFor(() => ownDirs().length === 0, 10_000)).toBe(true);
  });

  it('takes a broker down and brings it back, and creates topics the mock cannot create through the API', async () => {
    const sut = await startMockKafka({ brokers: 3, topics: [{ name: 'fault.check', partitions: 6 }] });
    try {
      await sut.createTopic({ name: 'created.later', partitions: 4 });
      const admin = new Kafka({ clientId: 'spec', brokers: sut.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: ['fault.check', 'created.later'] });
      expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        ['created.later', 4],
        ['fault.check', 6],
      ]);
      await admin.disconnect();

      await sut.brokerDown(2);
      expect(await portOpen(sut.brokers[1])).toBe(false);
      await sut.brokerUp(2);
      expect(await waitFor(() => portOpen(sut.brokers[1]), 5_000)).toBe(true);
      await expect(sut.brokerDown(42)).rejects.toThrow(/mock Kafka: ERR/);
    } finally {
      await sut.stop();
    }
    expect(await portOpen(sut.brokers[0])).toBe(false);
  });

  it('stops with one clear message naming the packages when it cannot install them', () => {
    const sut = () => ensureDebianPackages(['librdkafka-dev', 'gcc'], 'The local broker needs librdkafka', () => false, { root: false });
    expect(sut).toThrow(MissingSystemPackageError);
    expect(sut).toThrow('The local broker needs librdkafka. Install the Debian packages: apt-get install -y librdkafka-dev gcc');
  });

  it('builds the mock broker launcher from source once and caches it by content hash', () => {
    const first = buildMockKafkaLauncher();
    expect(first).toMatch(/mockkafka-[0-9a-f]{12}$/);
    expect(existsSync(first)).toBe(true);
    expect(buildMockKafkaLauncher()).toBe(first);
  });
});
