const path = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

// Every test runs in UTC so that dates (issue, due, as-of) never shift with the machine's zone.
process.env.TZ = 'UTC';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

module.exports = {
  ...nxPreset,
  testMatch: ['**/?(*.)+(spec|test).[jt]s?(x)', '**/*.int-spec.ts'],
  testTimeout: 60_000,
  globalSetup: path.join(__dirname, 'tools/jest/infra-setup.cjs'),
  globalTeardown: path.join(__dirname, 'tools/jest/infra-teardown.cjs'),
  reporters: ['default', path.join(__dirname, 'tools/jest/summary-reporter.cjs')],
};
