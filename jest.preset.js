const nxPreset = require('@nx/jest/preset').default;

// Every test runs in UTC so that dates (issue, due, as-of) never shift with the machine's zone.
process.env.TZ = 'UTC';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

module.exports = { ...nxPreset, testTimeout: 30_000 };
