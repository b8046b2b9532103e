import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from './source-ledger';

export interface ReconProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** The recon-service's `src/main.ts` as its own Node 24 process (through @swc-node/register), so a test can kill -9 it. */
export function startReconProcess(env: Record<string, string>): ReconProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(ROOT, 'apps/recon-service/src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json'), KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, lines, exited };
}

export async function waitHealthy(url: string, proc: ReconProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`recon-service exited with ${proc.child.exitCode}:\n${proc.lines.slice(-15).join('\n')}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status === 200, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`recon-service not healthy within ${timeoutMs} ms:\n${proc.lines.slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
