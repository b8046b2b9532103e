import { dockerAvailable, startContainers } from './containers';
import { startMockKafka, type MockKafkaControl, type TopicSpec } from './kafka';
import { startEmbeddedPostgres } from './postgres';
import { sweepStaleDirs } from './reaper';

export type InfraKind = 'given' | 'containers' | 'embedded';

export interface Infra {
  kind: { postgres: InfraKind; kafka: InfraKind };
  /** Server-level URL (a database every run may create its own databases from). */
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Fault controls when the broker is the local mock cluster; null otherwise. */
  kafka: MockKafkaControl | null;
  stop(): Promise<void>;
}

/**
 * Provides PostgreSQL and a Kafka-protocol broker, choosing in this order:
 * (a) DATABASE_URL / KAFKA_BROKERS given → use them (topics are expected to exist);
 * (b) a Docker engine answers → Testcontainers (PostgreSQL 16, Apache Kafka in KRaft mode);
 * (c) otherwise → embedded: Debian's PostgreSQL binaries and librdkafka's mock cluster (3 brokers).
 */
export async function provideInfra(options: { topics: TopicSpec[]; env?: NodeJS.ProcessEnv; log?: (msg: string) => void }): Promise<Infra> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  sweepStaleDirs();
  const givenDb = env['DATABASE_URL'];
  const givenKafka = env['KAFKA_BROKERS'];
  const stops: (() => Promise<void>)[] = [];
  let databaseUrl = givenDb ?? '';
  let kafkaBrokers = givenKafka ? givenKafka.split(',') : [];
  let kafka: MockKafkaControl | null = null;
  const kind: Infra['kind'] = { postgres: givenDb ? 'given' : 'embedded', kafka: givenKafka ? 'given' : 'embedded' };

  try {
    if ((!givenDb || !givenKafka) && (await dockerAvailable())) {
      log('docker engine found: starting PostgreSQL 16 and Apache Kafka with Testcontainers');
      const containers = await startContainers(options.topics);
      stops.push(containers.stop);
      if (!givenDb) {
        databaseUrl = containers.databaseUrl;
        kind.postgres = 'containers';
      }
      if (!givenKafka) {
        kafkaBrokers = containers.kafkaBrokers;
        kind.kafka = 'containers';
      }
    }
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres();
      log(`embedded PostgreSQL ${pg.version} on port ${pg.port}`);
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    if (!kafkaBrokers.length) {
      const mock = await startMockKafka({ brokers: 3, topics: options.topics });
      log(`mock Kafka cluster (3 brokers) at ${mock.brokers.join(',')}`);
      stops.push(mock.stop);
      kafkaBrokers = mock.brokers;
      kafka = mock;
    }
  } catch (error) {
    await Promise.allSettled(stops.map((s) => s()));
    throw error;
  }

  return {
    kind,
    databaseUrl,
    kafkaBrokers,
    kafka,
    stop: async () => {
      await Promise.allSettled(stops.reverse().map((s) => s()));
    },
  };
}
