#!/usr/bin/env node
// Why: this registry snapshot serves only the Linux builds of some optional platform packages
// (unrs-resolver, sass-embedded, ...). `npm install` leaves the missing ones out of the lock, and
// `npm ci` then refuses the lock ("Missing: X from lock file"). We add a placeholder for each
// unresolved optional dependency with an OS that never matches, so npm skips it as a platform
// mismatch and never tries to fetch it. Idempotent; runs as the root postinstall.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
if (!fs.existsSync(lockPath)) process.exit(0);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages ?? {};

function resolveFrom(fromKey, name) {
  // Walk up node_modules folders the way Node resolves packages.
  let base = fromKey;
  for (;;) {
    const candidate = (base ? base + '/' : '') + 'node_modules/' + name;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const idx = base.lastIndexOf('/node_modules/');
    base = idx === -1 ? '' : base.slice(0, idx);
  }
}

let added = 0;
for (const [key, entry] of Object.entries({ ...packages })) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolveFrom(key, name)) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    packages['node_modules/' + name] = { version, optional: true, os: ['unavailable-in-registry'] };
    added++;
  }
}
if (added) {
  const sorted = {};
  for (const k of Object.keys(packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')))) sorted[k] = packages[k];
  lock.packages = sorted;
  fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  console.log(`patch-lock: added ${added} placeholder(s) for optional packages missing from the registry`);
}
