import { freePort, kafkaBrokersFromEnv } from '@arbiter/dev-infra';
import { PgTokenStore, TokenCipher } from '@arbiter/qbo-client';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { FakeQboBooks } from './support/fake-qbo-books';
import { serveFakeQbo } from './support/fake-qbo-server';
import { eventually, migratedDatabase, type ReconDatabaseFixture } from './support/recon-harness';
import { type ReconProcess, startReconProcess, waitHealthy } from './support/recon-process';
import { SourceLedger } from './support/source-ledger';

const AS_OF = '2026-10-31';
const TENANT = 'resume-co';
const INVOICES = 2_600; // three QuickBooks pages of invoices: the kill lands between page 1 and page 2
const ACCESS_TOKEN = 'fake-access-token';

const usd = (units: number) => `${Math.floor(units / 100)}.${String(units % 100).padStart(2, '0')}`;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('a run killed half way (SIGKILL) resumes from its checkpoint and gives the same result', () => {
  let fixture: ReconDatabaseFixture;
  let qbo: Awaited<ReturnType<typeof serveFakeQbo>>;
  const books = new FakeQboBooks('4620816365000001');
  const key = randomBytes(32).toString('base64');
  let env: Record<string, string>;
  let url: string;
  let proc: ReconProcess | undefined;

  beforeAll(async () => {
    fixture = await migratedDatabase('recon_resume');
    const ledger = new SourceLedger(fixture.pg, TENANT);
    await ledger.connect(books.realmId);
    for (let c = 1; c <= 50; c++) {
      books.addCustomer(`Customer ${c}`, String(1000 + c));
      await ledger.customer(`cus-${c}`, `Customer ${c}`, String(1000 + c));
    }
    // Invoices on both sides, linked as the sync-service pushed them; QuickBooks drifts on a few.
    const rows = { id: [] as string[], number: [] as string[], customer: [] as string[], issue: [] as string[], due: [] as string[], total: [] as string[] };
    const links: Array<[string, string]> = [];
    for (let i = 1; i <= INVOICES; i++) {
      const customer = (i % 50) + 1;
      const issue = addDays('2026-06-15', i % 130);
      const units = ((i * 7919) % 100_000) + 100;
      Object.entries({ id: `inv-${i}`, number: `INV-${i}`, customer: `cus-${customer}`, issue, due: addDays(issue, 30), total: usd(units) }).forEach(([k, v]) => rows[k as keyof typeof rows].push(v));
      if (i % 211 === 0) continue; // never reached QuickBooks
      const qboId = String(10_000 + i);
      books.addInvoice({ id: qboId, customerId: String(1000 + customer), docNumber: `INV-${i}`, txnDate: issue, dueDate: addDays(issue, 30), total: usd(units + (i % 97 === 0 ? 100 : 0)) });
      links.push([`inv-${i}`, qboId]);
    }
    await fixture.pg.query(
      `insert into sync.source_invoice (tenant_id, id, number, customer_id, issue_date, due_date, currency, status, total, lines, version)
       select $1, id, number, customer, issue::date, due::date, 'USD', 'approved', total::numeric, '[]', 1
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as t(id, number, customer, issue, due, total)`,
      [TENANT, rows.id, rows.number, rows.customer, rows.issue, rows.due, rows.total],
    );
    await fixture.pg.query(
      `insert into sync.sync_link (tenant_id, entity_type, source_id, qbo_id, status) select $1, 'invoice', s, q, 'pushed' from unnest($2::text[], $3::text[]) as t(s, q)`,
      [TENANT, links.map((l) => l[0]), links.map((l) => l[1])],
    );
    for (let i = 1; i <= 5; i++) books.addInvoice({ customerId: '1001', docNumber: `QB-${i}`, txnDate: '2026-10-01', dueDate: '2026-10-31', total: '10.00' });

    // The tokens the sync-service would have stored, sealed with the key both services share.
    const pool = new Pool({ connectionString: fixture.db.url, max: 2 });
    const store = new PgTokenStore({ pool, cipher: TokenCipher.fromBase64(key), schema: 'sync' });
    await store.withRealmLock(books.realmId, (tx) =>
      tx.save({
        realmId: books.realmId,
        status: 'connected',
        accessToken: ACCESS_TOKEN,
        refreshToken: 'fake-refresh-token',
        accessTokenExpiresAt: Date.now() + 3_600_000,
        refreshTokenExpiresAt: Date.now() + 100 * 86_400_000,
        updatedAt: Date.now(),
      }),
    );
    await pool.end();

    qbo = await serveFakeQbo(books, ACCESS_TOKEN);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      DATABASE_URL: fixture.db.url,
      KAFKA_BROKERS: kafkaBrokersFromEnv().join(','),
      QBO_API_BASE_URL: qbo.url,
      QBO_CLIENT_ID: 'recon-test',
      QBO_CLIENT_SECRET: 'recon-test',
      TOKEN_ENCRYPTION_KEY: key,
      RECON_POLL_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await qbo?.close();
    await fixture?.close();
  });

  const runRow = async (id: string) =>
    (await fixture.pg.query<{ state: string; phase: string; checkpoint: { qboStep?: number; qboStart?: number }; data_sha256: string | null }>(
      'select state, phase, checkpoint, data_sha256 from recon.run where id = $1',
      [id],
    )).rows[0];
  const start = async () => {
    const res = await fetch(`${url}/internal/v1/tenants/${TENANT}/reconciliations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asOf: AS_OF }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const discrepancies = async (id: string) =>
    (await fixture.pg.query('select kind, source_id, qbo_id, difference::text, bucket from recon.discrepancy where run_id = $1 order by seq', [id])).rows;

  it('resumes after the kill at the page it stopped on, and matches an uninterrupted run (same data hash)', async () => {
    let hung!: () => void;
    const reachedSecondPage = new Promise<void>((resolve) => (hung = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    books.beforeQuery = async (statement) => {
      if (statement.startsWith('SELECT * FROM Invoice') && statement.includes('STARTPOSITION 1001')) {
        hung();
        await released;
      }
    };

    proc = startReconProcess(env);
    await waitHealthy(url, proc);
    const interrupted = await start();
    await reachedSecondPage;
    const before = await runRow(interrupted);
    expect(before).toMatchObject({ state: 'running', phase: 'load_qbo', checkpoint: { qboStep: 1, qboStart: 1001 } });
    proc.child.kill('SIGKILL');
    expect(await proc.exited).toBeNull();
    books.beforeQuery = async () => undefined;
    release();

    proc = startReconProcess(env);
    await waitHealthy(url, proc);
    const resumed = await eventually(async () => {
      const row = await runRow(interrupted);
      return row.state === 'completed' || row.state === 'failed' ? row : undefined;
    }, 120_000, 'the resumed run finished');
    expect(resumed.state).toBe('completed');

    const fresh = await start();
    const uninterrupted = await eventually(async () => {
      const row = await runRow(fresh);
      return row.state === 'completed' || row.state === 'failed' ? row : undefined;
    }, 120_000, 'the second run finished');
    expect(uninterrupted.state).toBe('completed');

    expect(resumed.data_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(resumed.data_sha256).toBe(uninterrupted.data_sha256);
    const [a, b] = [await discrepancies(interrupted), await discrepancies(fresh)];
    expect(a).toEqual(b);
    // 12 invoices never reached QuickBooks, 26 amounts drifted, 5 exist only in QuickBooks.
    expect(a.filter((d) => d.kind === 'missing_in_qbo')).toHaveLength(Math.floor(INVOICES / 211));
    expect(a.filter((d) => d.kind === 'amount_mismatch')).toHaveLength(Math.floor(INVOICES / 97) - Math.floor(INVOICES / (97 * 211)));
    expect(a.filter((d) => d.kind === 'missing_in_source')).toHaveLength(5);
    // The resumed attempt did not start the pull again: page 1 of customers and invoices was read once per run.
    const firstPages = books.statements.filter((s) => /^SELECT \* FROM (Customer|Invoice) .*STARTPOSITION 1 MAXRESULTS/.test(s));
    expect(firstPages).toHaveLength(4);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
