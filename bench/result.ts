import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Writes one benchmark's figures with the machine's core count and Node version to bench/results/<name>.json. */
export function writeResult(name: string, figures: Record<string, unknown>): void {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ name, at: new Date().toISOString(), node: process.version, cores: cpus().length, ...figures }, null, 2) + '\n',
  );
}

/** User + system CPU time of another process so far, milliseconds (Linux /proc; clock ticks are 100 Hz). NaN if unknown. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime, fields 14 and 15 of stat
}

/** Runs a benchmark's main: exit 0 once it is done (whatever handles linger), 1 with the error printed if it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
