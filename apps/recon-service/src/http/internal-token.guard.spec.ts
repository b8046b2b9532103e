import type { ExecutionContext } from '@nestjs/common';
import { type ReconConfig, ReconConfigSchema } from '../config';
import { ReconError } from '../errors';
import { InternalTokenGuard } from './internal-token.guard';

const TOKEN = 'internal-token-for-recon-0123456789';

const configWith = (token?: string): ReconConfig =>
  ReconConfigSchema.parse({
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    KAFKA_BROKERS: '127.0.0.1:9092',
    QBO_CLIENT_ID: 'client',
    QBO_CLIENT_SECRET: 'secret',
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...(token ? { INTERNAL_API_TOKEN: token } : {}),
  });

const callWith = (authorization?: string) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;

const refusal = (sut: InternalTokenGuard, authorization?: string): ReconError | null => {
  try {
    sut.canActivate(callWith(authorization));
    return null;
  } catch (error) {
    return error as ReconError;
  }
};

describe(InternalTokenGuard.name, () => {
  it('lets every call through when no token is configured', () => {
    const sut = new InternalTokenGuard(configWith());
    expect(sut.canActivate(callWith())).toBe(true);
    expect(sut.canActivate(callWith('Bearer anything'))).toBe(true);
  });

  it('accepts the configured token as a bearer token', () => {
    expect(new InternalTokenGuard(configWith(TOKEN)).canActivate(callWith(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty bearer', 'Bearer '],
    ['a wrong token', `Bearer ${TOKEN.slice(0, -1)}x`],
    ['a longer token', `Bearer ${TOKEN}0`],
    ['the token without the Bearer scheme', TOKEN],
  ])('refuses %s with INTERNAL_TOKEN_REQUIRED', (_what, authorization) => {
    const error = refusal(new InternalTokenGuard(configWith(TOKEN)), authorization);
    expect(error).toBeInstanceOf(ReconError);
    expect(error?.code).toBe('INTERNAL_TOKEN_REQUIRED');
  });

  it('refuses a configured token shorter than 24 characters at start', () => {
    expect(() => configWith('short-token')).toThrow(/at least 24 characters/);
  });
});
