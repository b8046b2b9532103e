/**
 * `npm run stack`: the local cluster on embedded defaults (or DATABASE_URL / KAFKA_BROKERS when given),
 * kept running until SIGINT/SIGTERM. Prints KEY=value lines and then READY once everything is healthy.
 * Logs of the apps go to stderr (JSON lines) when ARBITER_STACK_LOGS=1.
 */
import { startLocalStack, type LocalStack } from './local-stack';

async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`stack: ${msg}\n`);
  let stack: LocalStack | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    stack = await startLocalStack({ log, appLog: process.env['ARBITER_STACK_LOGS'] === '1' ? (line) => process.stderr.write(`${line}\n`) : undefined });
    for (const [key, value] of Object.entries(stack.lines)) process.stdout.write(`${key}=${value}\n`);
    process.stdout.write('READY\n');
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
