#!/usr/bin/env node
// Runs a TypeScript entry point of ours (tools/, bench/) on Node 24 through @swc-node/register,
// with the workspace's path aliases (@arbiter/*) resolved from tsconfig.base.json.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = path.join(__dirname, '..', 'tsconfig.base.json');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
require('@swc-node/register');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/ts-run.cjs <file.ts> [args...]');
  process.exit(2);
}
process.argv.splice(1, 1); // the entry sees its own argv as if run directly
require(path.resolve(entry));
