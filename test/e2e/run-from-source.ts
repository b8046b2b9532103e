import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

export interface SourceApp {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Runs an app's `src/main.ts` on Node 24 through @swc-node/register (decorator metadata included). */
export function runFromSource(app: string, env: Record<string, string | undefined>, args: string[] = []): SourceApp {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(ROOT, 'apps', app, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json'), KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, lines, exited };
}

export async function waitForHealthy(url: string, app: SourceApp, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`exited with ${app.child.exitCode}:\n${app.lines.slice(-10).join('\n')}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return res;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`not healthy within ${timeoutMs} ms:\n${app.lines.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
