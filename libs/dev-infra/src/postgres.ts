import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';
import { makeInfraDir, startReaper } from './reaper';
import { ensureDebianPackages, isRoot, userIds } from './system';

export interface RunningPostgres {
  /** Superuser URL of the server's `postgres` database; create a database per test run from it. */
  url: string;
  port: number;
  version: string;
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

function findBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')) && existsSync(join(PG_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(PG_ROOT, versions[0], 'bin') : null;
}

/**
 * Starts a throwaway PostgreSQL server from Debian's binaries (installed with apt when missing and
 * running as root), on a free loopback port, with durability off (it is for tests and local runs).
 * Runs as the `postgres` user when we are root, because initdb refuses root. The server dies with
 * us: SIGQUIT via PDEATHSIG, and a watchdog that also removes the data directory.
 */
export async function startEmbeddedPostgres(options: { port?: number; log?: (line: string) => void } = {}): Promise<RunningPostgres> {
  ensureDebianPackages(['postgresql'], 'Arbiter needs a PostgreSQL server for local runs and tests', () => findBinDir() !== null);
  const bin = findBinDir() as string;
  const version = bin.split('/').at(-2) as string;
  const dir = makeInfraDir('pg');
  const data = join(dir, 'data');
  const port = options.port ?? (await freePort());

  const asPostgres: string[] = [];
  if (isRoot()) {
    const ids = userIds('postgres');
    if (!ids) throw new Error('running as root but there is no `postgres` user; install the Debian package postgresql');
    chownSync(dir, ids.uid, ids.gid);
    asPostgres.push('setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--pdeathsig', 'SIGQUIT', '--');
  }
  const run = (args: string[]) => (asPostgres.length ? [asPostgres[0], [...asPostgres.slice(1), ...args]] : [args[0], args.slice(1)]) as [string, string[]];

  const [initCmd, initArgs] = run([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }

  const [cmd, args] = run([
    join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1',
    '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
    '-c', 'max_connections=300', '-c', 'shared_buffers=128MB', '-c', 'log_min_messages=warning',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
    options.log?.(chunk);
  });
  const reaper = startReaper(process.pid, [child.pid as number], [dir]);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited during start: ${stderr.join('')}`);
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 20 s: ${stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  let stopped: Promise<void> | null = null;
  return {
    url,
    port,
    version,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          reaper.stop();
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGINT'); // fast shutdown: disconnect clients, then exit
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      })),
  };
}

/** Creates a fresh database on a server and returns its URL; each test run gets its own. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
