import type { z } from 'zod';

/** One problem with a message: `path` is where (`data.lines[1].amount`; empty for the message itself). */
export interface ContractError {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : text === ''
          ? String(segment)
          : `${text}.${String(segment)}`,
    '',
  );
}

export const toContractErrors = (error: z.ZodError): ContractError[] =>
  error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));

/** Adds a custom issue at `path` (relative to the refined value). */
export type ReportIssue = (path: (string | number)[], message: string) => void;

/** Adapts a zod refinement context to a `ReportIssue`, so the rule code reads as rules, not zod plumbing. */
export const reporterFor =
  (ctx: z.core.$RefinementCtx<unknown>): ReportIssue =>
  (path, message) =>
    ctx.addIssue({ code: 'custom', path, message });
