/**
 * Keeps stderr JSON-only: Node's default warning printer writes plain text, so warnings become JSON
 * log lines instead. kafkajs 2.2.4 triggers Node ≥ 23's TimeoutNegativeWarning once per process
 * (a harmless negative setTimeout in its request queue); it is dropped.
 */
export function installProcessHandlers(appName: string): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    process.stderr.write(JSON.stringify({ level: 'warn', time: new Date().toISOString(), app: appName, msg: `${warning.name}: ${warning.message}` }) + '\n');
  });
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      JSON.stringify({ level: 'error', time: new Date().toISOString(), app: appName, msg: `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}` }) + '\n',
    );
  });
}
