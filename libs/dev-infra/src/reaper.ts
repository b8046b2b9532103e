import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every temp dir we make lives here, named with the owning process's pid. */
export const INFRA_TMP_ROOT = join(tmpdir(), 'arbiter-infra');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A detached watchdog that outlives a SIGKILLed parent: when `ownerPid` dies it kills the given
 * process groups and removes the given dirs. Normal shutdown kills the watchdog itself.
 * (mockkafka also asks the kernel for PDEATHSIG, and postgres runs under `setpriv --pdeathsig`;
 * the watchdog covers what those cannot: postgres' own children and the temp dirs.)
 */
export function startReaper(ownerPid: number, pids: number[], dirs: string[]): { stop: () => void } {
  const script = `
    const [owner, pids, dirs] = [Number(process.argv[1]), JSON.parse(process.argv[2]), JSON.parse(process.argv[3])];
    const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    setInterval(() => {
      if (alive(owner)) return;
      // SIGQUIT first: postgres' immediate shutdown also ends its backends; then make sure.
      for (const p of pids) { try { process.kill(p, 'SIGQUIT'); } catch {} }
      setTimeout(() => {
        for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch {} }
        for (const d of dirs) { try { require('fs').rmSync(d, { recursive: true, force: true }); } catch {} }
        process.exit(0);
      }, 1500);
    }, 500);`;
  const child = spawn(process.execPath, ['-e', script, String(ownerPid), JSON.stringify(pids), JSON.stringify(dirs)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    stop: () => {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
  };
}

/** Removes temp dirs left by earlier runs whose owner process no longer exists. */
export function sweepStaleDirs(): void {
  if (!existsSync(INFRA_TMP_ROOT)) return;
  for (const name of readdirSync(INFRA_TMP_ROOT)) {
    const pid = Number(name.split('-')[1]);
    const dir = join(INFRA_TMP_ROOT, name);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid) && Date.now() - statSync(dir).mtimeMs > 5_000) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

export function makeInfraDir(kind: string): string {
  mkdirSync(INFRA_TMP_ROOT, { recursive: true, mode: 0o755 });
  const dir = join(INFRA_TMP_ROOT, `${kind}-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
}
