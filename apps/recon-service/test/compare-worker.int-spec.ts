import type { INestApplication } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Sql, StandaloneDatabase } from '../src/database';
import { compareInWorker } from '../src/reconciliation/compare-in-worker';
import { findRun } from '../src/reconciliation/run-store';
import { expectedBuckets, loadGeneratedSnapshot } from './support/generated-snapshot';
import { FakeCompanies, finishedRun, migratedDatabase, reconConfig, type ReconDatabaseFixture, startRecon } from './support/recon-harness';

const AS_OF = '2026-10-31';
const DOCUMENTS = 60_000;

/**
 * The compare phase runs on a worker thread: a large comparison leaves the service's event loop free for its HTTP
 * API (and Kafka). Figures (event-loop delay) are printed, never asserted; bench/recon.bench.ts measures 1,000,000.
 */
describe('recon-service: the compare phase off the event loop', () => {
  let fixture: ReconDatabaseFixture;
  let db: StandaloneDatabase;
  const sql: Sql = (text, params) => db.query(text, params);

  beforeAll(async () => {
    fixture = await migratedDatabase('recon_compare_worker');
    db = new StandaloneDatabase({ url: fixture.db.url, schema: 'recon' });
  });

  afterAll(async () => {
    await db?.close();
    await fixture?.close();
  });

  describe('through the service', () => {
    let app: INestApplication;
    let url = '';

    afterAll(async () => {
      await app?.close();
    });

    it('answers /health and the API while it compares 2 × 60,000 documents, and the run ties out as computed here', async () => {
      const snapshot = await loadGeneratedSnapshot(fixture.pg, { tenantId: 'big-co', asOf: AS_OF, documents: DOCUMENTS, customers: 1_000, driftEvery: 1_000 });
      ({ app, url } = await startRecon(reconConfig(fixture.db.url, { RECON_POLL_INTERVAL_MS: '50' }), new FakeCompanies()));
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      // Executing the compare phase = the run's advisory lock is held (only this run executes here) and it is at compare.
      const comparingNow = async () =>
        (
          await sql<{ comparing: boolean }>(
            `select phase = 'compare' and exists (select 1 from pg_locks where locktype = 'advisory' and granted
                                                  and database = (select oid from pg_database where datname = current_database())) as comparing
             from recon.run where id = $1`,
            [snapshot.runId],
          )
        )[0].comparing;
      let answeredWhileComparing = 0;
      for (let settled = false; !settled; ) {
        const before = await comparingNow();
        const health = await fetch(`${url}/health`);
        expect(health.status).toBe(200);
        const listed = await fetch(`${url}/internal/v1/tenants/big-co/reconciliations?limit=1`);
        expect(listed.status).toBe(200);
        const after = await comparingNow();
        if (before && after) answeredWhileComparing++; // asked and answered while the compare ran
        settled = !after && (await findRun(sql, snapshot.runId))?.phase !== 'compare';
      }
      delay.disable();
      const run = await finishedRun(url, 'big-co', snapshot.runId, 120_000);
      process.stdout.write(
        `compare-worker.int-spec: 2 × ${DOCUMENTS} documents; ${answeredWhileComparing} health + list rounds answered while comparing; ` +
          `event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms (informative, load-dependent)\n`,
      );
      expect(answeredWhileComparing).toBeGreaterThan(0);
      expect(run).toMatchObject({ state: 'completed', status: 'out_of_sync' });
      expect(run['buckets']).toEqual(expectedBuckets(snapshot));
      expect(run['discrepancyCounts']).toEqual({ amount_mismatch: DOCUMENTS / 1_000 });
    }, 180_000);
  });

  describe(compareInWorker.name, () => {
    it('compares on a worker thread, not the main one, and stores the results with the next phase', async () => {
      const snapshot = await loadGeneratedSnapshot(fixture.pg, { tenantId: 'worker-co', asOf: AS_OF, documents: 2_000, customers: 50, driftEvery: 100 });
      const run = await findRun(sql, snapshot.runId);
      const summary = await compareInWorker({ url: fixture.db.url, schema: 'recon' }, run as NonNullable<typeof run>, new AbortController().signal);
      expect(summary).toMatchObject({ status: 'out_of_sync', discrepancyCount: 20 });
      expect(summary.threadId).not.toBe(0);
      expect((await findRun(sql, snapshot.runId))?.phase).toBe('render');
      expect((await sql<{ n: string }>('select count(*) as n from recon.discrepancy where run_id = $1', [snapshot.runId]))[0].n).toBe('20');
    });

    it('stops when aborted: the worker is terminated, nothing is stored and the phase stays compare', async () => {
      const snapshot = await loadGeneratedSnapshot(fixture.pg, { tenantId: 'abort-co', asOf: AS_OF, documents: 1_000, customers: 10, driftEvery: 10 });
      const run = await findRun(sql, snapshot.runId);
      const controller = new AbortController();
      const comparing = compareInWorker({ url: fixture.db.url, schema: 'recon' }, run as NonNullable<typeof run>, controller.signal);
      controller.abort();
      await expect(comparing).rejects.toMatchObject({ name: 'AbortError' });
      expect((await findRun(sql, snapshot.runId))?.phase).toBe('compare');
      expect((await sql<{ n: string }>('select count(*) as n from recon.discrepancy where run_id = $1', [snapshot.runId]))[0].n).toBe('0');
    });

    it('hands a failure back as the same error: a snapshot with a QuickBooks document without open amount fails the run with INVALID_DATA', async () => {
      const snapshot = await loadGeneratedSnapshot(fixture.pg, { tenantId: 'broken-co', asOf: AS_OF, documents: 10, customers: 2, driftEvery: 5 });
      await sql(`update recon.run_item set open = null where run_id = $1 and side = 'q' and id = '1000003'`, [snapshot.runId]);
      const run = await findRun(sql, snapshot.runId);
      await expect(compareInWorker({ url: fixture.db.url, schema: 'recon' }, run as NonNullable<typeof run>, new AbortController().signal)).rejects.toMatchObject({
        name: 'RunFailure',
        code: 'INVALID_DATA',
      });
    });
  });
});
