import { mkdirSync, writeFileSync } from 'node:fs';
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
