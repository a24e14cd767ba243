/**
 * Shared CLI plumbing: user errors print one line and exit 1, anything else is a bug and keeps its stack.
 */
import { SoOError } from '../util/errors';

/** System errors a user can act on (a full disk, no permission): one line, not a stack. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is a file, not a folder',
  EISDIR: 'a folder where a file was expected',
  EMFILE: 'too many open files',
};

/** The one line a user sees for an error, or undefined for a bug (whose stack is kept). */
export function userMessage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof SoOError) return err.message;
  if (err.code?.startsWith('ERR_PARSE_ARGS')) return `${err.message} (see --help)`;
  if (err.code && SYSTEM_ERRORS[err.code]) return `segment-of-one: ${SYSTEM_ERRORS[err.code]}${err.path ? ` (${err.path})` : ''}`;
  // DuckDB reports a full disk in its own words.
  if (/No space left on device|Could not write file/i.test(err.message ?? '')) return `segment-of-one: no space left on the device (${err.message.split('\n')[0]})`;
  return undefined;
}

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      const message = userMessage(e);
      if (message) {
        process.stderr.write(`${message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}

export function toNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new SoOError('cli', `--${name} must be a number, got ${value}`);
  return n;
}

export function toInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = toNumber(value, name, fallback);
  if (!Number.isInteger(n)) throw new SoOError('cli', `--${name} must be a whole number, got ${value}`);
  return n;
}
