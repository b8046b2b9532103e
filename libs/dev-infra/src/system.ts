import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Thrown when the machine lacks something we cannot install ourselves; the message says what to install. */
export class MissingSystemPackageError extends Error {
  constructor(readonly packages: string[], why: string) {
    super(`${why}. Install the Debian packages: apt-get install -y ${packages.join(' ')}`);
    this.name = 'MissingSystemPackageError';
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

let aptUpdated = false;

/**
 * Makes sure the Debian packages are present. As root with apt, installs the missing ones
 * (non-interactive); otherwise stops with one clear message naming them.
 */
export function ensureDebianPackages(packages: string[], why: string, present: () => boolean, options: { root?: boolean } = {}): void {
  if (present()) return;
  if (!(options.root ?? isRoot()) || !existsSync('/usr/bin/apt-get')) throw new MissingSystemPackageError(packages, why);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  let result = install();
  if (result.status !== 0 && !aptUpdated) {
    aptUpdated = true;
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0 || !present()) {
    throw new MissingSystemPackageError(packages, `${why}; apt-get failed: ${(result.stderr ?? '').trim().split('\n').pop()}`);
  }
}

export function userIds(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

export { isRoot };
