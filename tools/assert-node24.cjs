#!/usr/bin/env node
// Arbiter runs on Node 24 (pinned through the npm package `node`). If install scripts were skipped
// (`--ignore-scripts`), npm scripts silently fall back to the system Node; refuse to run then.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `Expected Node 24 from node_modules/.bin/node, got v${process.versions.node} (${process.execPath}). ` +
      'Run `npm ci` without --ignore-scripts so the pinned `node` package installs its binary.',
  );
  process.exit(1);
}
