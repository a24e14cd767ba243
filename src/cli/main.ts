/**
 * Shared CLI plumbing: user errors print one line and exit 1, anything else is a bug and keeps its stack.
 */
import { SoOError } from '../util/errors';

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof SoOError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}

export function toInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SoOError('cli', `--${name} must be a number, got ${value}`);
  return n;
}
