// Appends each jest run's counts to tmp/test-results so `npm test` can print one closing line.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }
  onRunComplete(contexts, results) {
    const dir = path.resolve(__dirname, '..', '..', 'tmp', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const first = [...(contexts ?? [])][0];
    const display = first?.config?.displayName;
    const name = (typeof display === 'string' ? display : display?.name) ?? path.basename(this.globalConfig.rootDir);
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        rootDir: this.globalConfig.rootDir,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suitesFailed: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
      }),
    );
  }
}
module.exports = SummaryReporter;
