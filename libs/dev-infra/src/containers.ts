import type { TopicSpec } from './kafka';

export interface ContainerInfra {
  databaseUrl: string;
  kafkaBrokers: string[];
  stop(): Promise<void>;
}

/** True when a Docker (or compatible) engine answers; fails fast (milliseconds) when none does. */
export async function dockerAvailable(): Promise<boolean> {
  if (process.env['ARBITER_NO_DOCKER'] === '1') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL 16 and Apache Kafka (KRaft) in containers, for machines with a Docker engine. */
export async function startContainers(topics: TopicSpec[]): Promise<ContainerInfra> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [pg, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:16-alpine').withUsername('postgres').withPassword('postgres').withDatabase('postgres').start(),
    new KafkaContainer('apache/kafka:3.9.1').withKraft().start(),
  ]);
  const brokers = [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`];
  const { Kafka } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'arbiter-dev-infra', brokers }).admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })) });
  await admin.disconnect();
  return {
    databaseUrl: pg.getConnectionUri(),
    kafkaBrokers: brokers,
    stop: async () => {
      await Promise.all([pg.stop(), kafka.stop()]);
    },
  };
}
