#!/usr/bin/env node
// `npm test`: every project's jest run (unit, integration through real PostgreSQL and the broker,
// end-to-end), then one closing line "N passed, N failed" across all of them.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'tmp', 'test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

const args = ['nx', 'run-many', '-t', 'test', '--parallel=2', '--outputStyle=stream', ...process.argv.slice(2)];
if (process.env.CI) args.push('--skip-nx-cache');
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=TimeoutNegativeWarning'].filter(Boolean).join(' ') } });

let passed = 0, failed = 0, skipped = 0, suitesFailed = 0;
if (fs.existsSync(resultsDir)) {
  for (const file of fs.readdirSync(resultsDir)) {
    const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
    passed += r.passed; failed += r.failed; skipped += r.skipped; suitesFailed += r.suitesFailed;
  }
}
if (run.status !== 0 && failed === 0) failed = Math.max(1, suitesFailed);
console.log(`\nArbiter tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
