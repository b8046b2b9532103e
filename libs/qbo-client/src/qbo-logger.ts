/**
 * The logging surface the core needs; Nest's `Logger` satisfies it, so the module passes one in and the
 * core stays framework-free. Messages never contain tokens, secrets or request bodies.
 */
export interface QboLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: QboLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
