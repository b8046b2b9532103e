import { DomainError, type DomainErrorCode } from '@arbiter/domain';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReconConnection } from '../database';
import { RunFailure } from '../errors';
import type { CompareSummary } from './compare-phase';
import type { RunRow } from './run-store';

/** What the compare worker is given (`workerData`): where the data is and the run, as read by the caller. */
export interface CompareJob {
  connection: ReconConnection;
  run: RunRow;
}

/** An error crossing the thread boundary (structured clone keeps no classes), rebuilt on this side. */
export type SerializedError =
  | { type: 'RunFailure'; code: RunFailure['code']; message: string; details: Record<string, unknown> }
  | { type: 'DomainError'; code: DomainErrorCode; message: string }
  | { type: 'Error'; name: string; message: string; stack?: string };

export type CompareReply = { ok: true; summary: CompareSummary } | { ok: false; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof RunFailure) return { type: 'RunFailure', code: error.code, message: error.message, details: error.details };
  if (error instanceof DomainError) return { type: 'DomainError', code: error.code, message: error.message };
  if (error instanceof Error) return { type: 'Error', name: error.name, message: error.message, stack: error.stack };
  return { type: 'Error', name: 'Error', message: String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.type === 'RunFailure') return new RunFailure(error.code, error.message, error.details);
  if (error.type === 'DomainError') return new DomainError(error.code, error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/**
 * The built service is one webpack bundle with a second entry, `compare.worker.js`, next to `main.js`. Run from
 * source (tests, `runFromSource`), the worker is the `.ts` file beside this one, compiled on load by
 * @swc-node/register with the workspace's path mapping, as the main thread is.
 */
const fromSource = __filename.endsWith('.ts');
const WORKER_FILE = join(__dirname, fromSource ? 'compare.worker.ts' : 'compare.worker.js');
const SOURCE_BOOTSTRAP = `
  process.env.SWC_NODE_PROJECT ??= ${JSON.stringify(join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json'))};
  require('@swc-node/register');
  require(${JSON.stringify(WORKER_FILE)});
`;

/**
 * The compare reads millions of short-lived rows (pg's row objects, text amounts and dates) while it builds the
 * long-lived snapshot. With V8's default young generation, scavenges come often enough to promote rows still in
 * flight into the old generation, which then grows with garbage; a somewhat larger young generation lets them die
 * young. At 2 × 1,000,000 rows on a quiet machine, 32 MB gave a lower peak RSS than 96 MB (1,199 against 1,240 MiB,
 * see docs/benchmarks.md). Only the heap limit, not a reservation.
 */
const YOUNG_GENERATION_MB = 32;

/**
 * Runs the compare phase (read the snapshot, reconcile, check the tie-out, store the results and the next phase) on
 * a worker thread with a PostgreSQL pool of its own, so the main thread's event loop — HTTP API, health checks,
 * Kafka heartbeats, other runs — keeps turning while a million-document comparison computes. Aborting terminates
 * the worker; its connection closes and PostgreSQL rolls its transaction back, so the phase repeats on resume.
 * @throws what the phase throws (RunFailure, DomainError, database errors), the signal's reason when aborted, or an
 *   Error when the worker dies without answering (e.g. out of memory: transient, the worker retries the run)
 */
export function compareInWorker(connection: ReconConnection, run: RunRow, signal: AbortSignal): Promise<CompareSummary> {
  signal.throwIfAborted();
  const job: CompareJob = { connection, run };
  const options = { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  const worker = fromSource ? new Worker(SOURCE_BOOTSTRAP, { ...options, eval: true }) : new Worker(WORKER_FILE, options);
  return new Promise<CompareSummary>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => {
      void worker.terminate();
      finish(() => reject(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: CompareReply) => finish(() => (reply.ok ? resolve(reply.summary) : reject(deserializeError(reply.error)))));
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the compare worker exited with code ${code} before answering`))));
  });
}
