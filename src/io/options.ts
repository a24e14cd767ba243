/**
 * What the loader lets a run choose, with its defaults. One object serves preflight
 * and loadFile alike (each reads the fields it needs), so the runner builds it once
 * from its config.
 */
import { tmpdir } from 'node:os';
import type { FileName } from './contract';

/** Character encodings DuckDB 1.5's CSV reader decodes without an extension. */
export type FileEncoding = 'utf-8' | 'latin-1';

export interface LoadOptions {
  /**
   * Character encoding of each CSV input file, e.g. `{ lines: 'latin-1' }`. Default `utf-8` for
   * every file. `latin-1` is ISO 8859-1; a Windows-1252 file reads the same except for its few
   * characters in 0x80-0x9F (such as € and curly quotes), which become control characters.
   */
  encoding?: Partial<Record<FileName, FileEncoding>>;
  /**
   * Most physical lines one record may span through a quoted value in a free-text column
   * (`ColumnSpec.multiline`). Default 5. A quote that stays open longer, or opens in any other
   * column, ends at the end of its line: that row is quarantined, the lines after it are read.
   */
  maxQuotedLines?: number;
  /**
   * CSV files up to this size in bytes (as stored, so compressed for `.csv.gz`) are checked
   * whole (encoding, line structure) during preflight, before any output. Bigger files are
   * checked while DuckDB reads them, which costs no extra pass; an encoding stop then comes from
   * loadFile, before that file's quarantine is written. Default 8 MiB.
   */
  checkAheadBytes?: number;
  /**
   * Folder for the repaired copy of a CSV file with a broken quote (uncompressed, as large as
   * the file's text; deleted after the read). Default: the operating system's temp folder.
   */
  tempDir?: string;
  /**
   * The files this run cannot do without (missing, or a header with no row, stops it before any work).
   * Default: the contract's required files (accounts, lines, events); a run that only measures campaigns
   * needs campaigns, assignments and responses instead.
   */
  required?: readonly FileName[];
}

export const LOAD_DEFAULTS = {
  maxQuotedLines: 5,
  checkAheadBytes: 8 * 1024 * 1024,
} as const;

export function encodingOf(options: LoadOptions, file: FileName): FileEncoding {
  return options.encoding?.[file] ?? 'utf-8';
}

export function tempDirOf(options: LoadOptions): string {
  return options.tempDir ?? tmpdir();
}
