import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import { StandaloneDatabase } from '../database';
import { type CompareJob, type CompareReply, serializeError } from './compare-in-worker';
import { runComparePhase } from './compare-phase';

/**
 * Worker-thread entry of the compare phase (a webpack entry of its own, see webpack.config.js; started by
 * `compareInWorker`). Answers with one message, then ends: its pool closes, nothing keeps the thread alive.
 */
async function compare(job: CompareJob): Promise<CompareReply> {
  const db = new StandaloneDatabase(job.connection);
  try {
    return { ok: true, summary: await runComparePhase(db, job.run, threadId) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  } finally {
    await db.close().catch(() => undefined);
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void compare(workerData as CompareJob).then((reply) => port.postMessage(reply));
}
