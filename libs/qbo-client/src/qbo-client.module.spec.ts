import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { QboClient } from './qbo-client';
import { QboClientModule } from './qbo-client.module';
import { RealmRateLimiter } from './realm-rate-limiter';
import { QboTokenManager } from './token-manager';
import { InMemoryTokenStore } from './token-store';

describe(QboClientModule.name, () => {
  it('provides the client, the token manager and the limiter, and closes them on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QboClientModule.forRootAsync({
          useFactory: () => ({
            apiBaseUrl: 'http://127.0.0.1:4010',
            oauth: { clientId: 'id', clientSecret: 'secret', redirectUri: 'http://localhost/cb', environment: 'sandbox', oauthBaseUrl: 'http://127.0.0.1:4010' },
            tokenStore: new InMemoryTokenStore(),
            limits: { maxInFlight: 2 },
          }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    const client = app.get(QboClient);
    const limiter = app.get(RealmRateLimiter);
    expect(client.company('123').realmId).toBe('123');
    expect(app.get(QboTokenManager).authorizeUrl('s').url).toMatch(/^http:\/\/127\.0\.0\.1:4010\/connect\/oauth2\?/);

    const waiting = [limiter.acquire('r'), limiter.acquire('r'), limiter.acquire('r')];
    await Promise.all(waiting.slice(0, 2));
    const third = waiting[2].then(
      () => 'granted',
      (e: Error) => e.message,
    );
    await app.close();

    expect(await third).toMatch(/shutting down/);
  });
});
