import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, ConfigFields, parseConfig } from './config';

const Schema = z.object({
  PORT: ConfigFields.port(3000),
  DATABASE_URL: ConfigFields.databaseUrl(),
  KAFKA_BROKERS: ConfigFields.kafkaBrokers(),
  TOKEN_ENCRYPTION_KEY: ConfigFields.tokenEncryptionKey(),
});

describe(parseConfig.name, () => {
  const good = {
    DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
    KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };

  it('parses a good environment into typed values with defaults', () => {
    const sut = parseConfig('gateway', Schema, good);
    expect(sut).toEqual({ ...good, PORT: 3000, KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9093'] });
  });

  it('names every bad or missing key in one error, without echoing their values', () => {
    const secret = randomBytes(16).toString('base64');
    const sut = () => parseConfig('gateway', Schema, { PORT: 'eighty', KAFKA_BROKERS: 'not a broker', TOKEN_ENCRYPTION_KEY: secret });
    expect(sut).toThrow(ConfigError);
    try {
      sut();
    } catch (error) {
      const e = error as ConfigError;
      expect(e.issues.map((i) => i.key).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'TOKEN_ENCRYPTION_KEY']);
      expect(e.message).toMatch(/^gateway: invalid configuration: /);
      expect(e.message).toContain('DATABASE_URL (is required)');
      expect(e.message).toContain('TOKEN_ENCRYPTION_KEY (must be 32 bytes, base64-encoded)');
      expect(e.message).not.toContain(secret);
    }
  });
});
