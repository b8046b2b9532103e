import { freePort } from '@arbiter/dev-infra';
import { signIntuitPayload } from '../src/webhooks/webhook-signature';
import { type Harness, INTERNAL_TOKEN, PROBLEM_ID, startHarness } from './gateway-harness';
import { type GatewayProcess, runGatewayFromSource } from './run-gateway';

describe('no secret or token in a log line or an error body (gateway run from source, LOG_LEVEL=debug)', () => {
  let h: Harness;
  let sut: GatewayProcess;
  let url: string;
  const verifier = 'verifier-token-that-must-not-leak';
  const clientSecret = 'client-secret-that-must-not-leak';

  beforeAll(async () => {
    h = await startHarness();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    sut = runGatewayFromSource([], {
      ...Object.fromEntries(Object.entries(h.config).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]).filter(([, v]) => v !== '')),
      PORT: String(port),
      LOG_LEVEL: 'debug',
      QBO_WEBHOOK_VERIFIER_TOKEN: verifier,
      QBO_CLIENT_SECRET: clientSecret,
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (sut.child.exitCode !== null) throw new Error(`gateway exited ${sut.child.exitCode}: ${sut.stderr.join('\n')}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('gateway not healthy in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    if (sut?.child.exitCode === null) {
      sut.child.kill('SIGTERM');
      await sut.exited;
    }
    await h?.stop();
  });

  it('keys, OAuth codes and states, signatures and configured secrets appear nowhere in the output', async () => {
    const call = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init).then(async (r) => ({ status: r.status, text: await r.text() }));
    const bodies: string[] = [];
    const auth = { authorization: `Bearer ${h.keys.controller}` };
    bodies.push((await call('/api/v1/problems', { headers: auth })).text);
    bodies.push((await call(`/api/v1/problems/${PROBLEM_ID}/resync`, { method: 'POST', headers: auth })).text);
    bodies.push((await call('/api/v1/settings', { headers: auth })).text); // 403
    const wrongKey = `${h.keys.admin.slice(0, -4)}AAAA`;
    bodies.push((await call('/api/v1/problems', { headers: { authorization: `Bearer ${wrongKey}` } })).text); // 401
    const created = JSON.parse((await call('/api/v1/api-keys', { method: 'POST', headers: { authorization: `Bearer ${h.keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'auditor', name: 'x' }) })).text) as { key: string };
    const authorize = await fetch(`${url}/api/v1/connections/quickbooks/authorize`, { headers: { authorization: `Bearer ${h.keys.admin}` }, redirect: 'manual' });
    const state = new URL(authorize.headers.get('location')!).searchParams.get('state')!;
    const code = 'AB11570127472xkApQcsuqTXgmXTmslIuWq7qhxlc';
    bodies.push((await call(`/oauth/quickbooks/callback?code=${code}&state=${state}&realmId=9130357`)).text);
    bodies.push((await call(`/oauth/quickbooks/callback?code=${code}&state=${state}&realmId=9130357`)).text); // replay: 400
    const payload = JSON.stringify({ eventNotifications: [] });
    const signature = signIntuitPayload(payload, verifier);
    bodies.push((await call('/webhooks/quickbooks', { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signature }, body: payload })).text);
    bodies.push((await call('/webhooks/quickbooks', { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signature.replace(/^./, 'A') }, body: payload })).text);
    await new Promise((r) => setTimeout(r, 300)); // let pino flush

    const output = [...sut.stdout, ...sut.stderr].join('\n');
    expect(output).toContain('"url":"/api/v1/problems"'); // the request log is there, and at debug level
    const secrets = [h.keys.controller, h.keys.admin, wrongKey, created.key, state, code, signature, verifier, clientSecret, INTERNAL_TOKEN, h.config.TOKEN_ENCRYPTION_KEY];
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
    for (const line of sut.stdout) expect(() => JSON.parse(line)).not.toThrow();
  });
});
