/**
 * Finds the contract's files in a pilot data folder and checks, before any work,
 * that each is readable, comma-separated, in its encoding, has its required columns
 * and, for a required file, a data row.
 */
import { existsSync, statSync, openSync, readSync, closeSync, createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CONTRACT, headerColumns, type FileName, type FileSpec } from './contract';
import { encodingOf, LOAD_DEFAULTS, type FileEncoding, type LoadOptions } from './options';
import { encodingProblem, surveyCsv, type FileSurvey } from './survey';
import { SoOError } from '../util/errors';
import { plural } from '../util/text';

export type FileFormat = 'csv' | 'csv.gz' | 'parquet';

export interface InputFile {
  name: FileName;
  path: string;
  format: FileFormat;
  /** Column names as the header gives them (BOM stripped). */
  columns: string[];
  /** How the CSV text is decoded (LoadOptions.encoding); Parquet text is always UTF-8. */
  encoding: FileEncoding;
  /** The byte that ends a CSV line: LF (also in CRLF files) or CR (old Mac files). */
  lineBreak: 10 | 13;
  /**
   * For CSV files: the whole-file check (survey.ts: gzip integrity, encoding, line structure).
   * It finishes in preflight for small files and runs beside the load for big ones; the loader
   * awaits it after its scan, since DuckDB reads a truncated gzip stream up to the break
   * without complaint.
   */
  integrity?: Promise<FileSurvey>;
  /**
   * For an input given as a folder of files (`events/`, e.g. one export a day): each file, in name order,
   * checked like a file of its own. `path` is then the folder, and the loader reads every part in one scan.
   */
  parts?: InputFile[];
}

/** The whole-file check of a gzip-compressed CSV (the name bench.ts times it by); rejects on a truncated or corrupt stream. */
export function verifyGzip(path: string): Promise<FileSurvey> {
  return surveyCsv(path, 'csv.gz');
}

const FORMATS: FileFormat[] = ['csv', 'csv.gz', 'parquet'];

export interface Located {
  path: string;
  format: FileFormat;
  /** For a folder: its data files, in name order. */
  files?: string[];
}

const formatOf = (file: string): FileFormat | undefined => FORMATS.find((f) => file.endsWith(`.${f}`));

/**
 * The file of one input in a data folder: `<name>.csv`, `.csv.gz` or `.parquet`; else a folder `<name>/` of
 * such files; else the files `<name>-*` or `<name>_*` of the data folder (`events-2026-03-01.csv.gz`, ...).
 * Several files are all in one format; names starting with a dot, and files of other kinds, are not read.
 */
export function locate(dataDir: string, name: FileName): Located | undefined {
  for (const format of FORMATS) {
    const path = join(dataDir, `${name}.${format}`);
    if (existsSync(path)) return { path, format };
  }
  const dir = join(dataDir, name);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    const files = readdirSync(dir).filter((f) => !f.startsWith('.') && formatOf(f) && statSync(join(dir, f)).isFile());
    if (!files.length) throw new SoOError('load', `${dir} holds no ${name} file (.csv, .csv.gz or .parquet)`);
    return several(dir, dir, files, name);
  }
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) return undefined;
  const named = readdirSync(dataDir).filter((f) => (f.startsWith(`${name}-`) || f.startsWith(`${name}_`)) && formatOf(f) && statSync(join(dataDir, f)).isFile());
  return named.length ? several(join(dataDir, `${name}[-_]*`), dataDir, named, name) : undefined;
}

/** An input given as several files of `dir`, read in name order; `path` names them in messages and run.json. */
function several(path: string, dir: string, files: string[], name: FileName): Located {
  const formats = [...new Set(files.map((f) => formatOf(f)!))];
  if (formats.length > 1) throw new SoOError('load', `${path} mixes ${formats.join(' and ')} files: the ${name} files must be in one format`);
  return { path, format: formats[0], files: [...files].sort().map((f) => join(dir, f)) };
}

/** Splits one CSV record (RFC 4180 quoting) into fields. */
export function splitCsvRecord(record: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** The first record of a text, ending at the first line break outside quotes. */
export function firstRecord(text: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return undefined;
}

/** The first bytes of a file's text, and whether they are all of it. */
interface Head {
  bytes: Buffer;
  whole: boolean;
}

const HEAD_BYTES = 65536;

/** What the head of a CSV file says: its columns, how its lines end, whether a data row follows. */
interface Header {
  columns: string[];
  /** The header record as written (the separator check reads it). */
  record: string;
  lineBreak: 10 | 13;
  /** False only when the whole file was read and nothing but blanks follows the header. */
  hasRows: boolean;
}

function parseHeader(head: Head, path: string, encoding: FileEncoding): Header {
  const b = head.bytes;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    throw new SoOError('load', `${path} is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8`);
  }
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  if (bom && encoding === 'latin-1') {
    throw new SoOError('load', `${path} starts with a UTF-8 byte order mark, yet it is to be read as latin-1: drop its latin-1 encoding`);
  }
  const clean = b.subarray(bom ? 3 : 0).toString(encoding === 'latin-1' ? 'latin1' : 'utf8');
  const record = firstRecord(clean) ?? (head.whole ? clean : undefined);
  if (record === undefined || /[\r\n]/.test(record)) {
    throw new SoOError('load', `${path}: a quote in the header row is not closed on its line`);
  }
  if (!record.trim()) throw new SoOError('load', `${path} is empty: it needs a header row`);
  const after = clean.slice(record.length);
  const lineBreak = after[0] === '\r' && after[1] !== '\n' ? 13 : 10;
  return { columns: splitCsvRecord(record).map((c) => c.trim()), record, lineBreak, hasRows: !head.whole || after.trim() !== '' };
}

function readPlainHead(path: string): Head {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return { bytes: buf.subarray(0, n), whole: n < HEAD_BYTES };
  } finally {
    closeSync(fd);
  }
}

function readGzipHead(path: string): Promise<Head> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const source = createReadStream(path);
    const gunzip = createGunzip();
    const finish = (err?: Error, whole = false) => {
      if (done) return;
      done = true;
      source.destroy();
      gunzip.destroy();
      if (err && size === 0) reject(err);
      else resolve({ bytes: Buffer.concat(chunks), whole });
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) finish();
    });
    gunzip.on('end', () => finish(undefined, true));
    // A stream that breaks after its head is the whole-file check's to report.
    gunzip.on('error', (e) => finish(e));
    source.on('error', (e) => finish(e));
    source.pipe(gunzip);
  });
}

function checkParquetMagic(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    if (size >= 8) readSync(fd, tail, 0, 4, size - 4);
    if (size < 12 || head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') {
      throw new SoOError('load', `${path} is not a readable Parquet file (no PAR1 magic at both ends)`);
    }
  } finally {
    closeSync(fd);
  }
}

const ENCODINGS: readonly FileEncoding[] = ['utf-8', 'latin-1'];

function checkOptions(options: LoadOptions): void {
  for (const [file, encoding] of Object.entries(options.encoding ?? {})) {
    if (!CONTRACT.some((f) => f.name === file)) throw new SoOError('load', `an encoding is given for ${file}, which is no file of the contract`);
    if (!ENCODINGS.includes(encoding)) throw new SoOError('load', `unknown encoding ${encoding} for ${file} (the CSV reader knows ${ENCODINGS.join(', ')})`);
  }
}

/**
 * Checks the data folder before any work: required files exist; every CSV file is
 * comma-separated, not UTF-16, has its required columns and, if required, a data row; and,
 * for CSV files up to `checkAheadBytes`, the whole text is in its encoding (bigger files are
 * checked while they load: see InputFile.integrity). Parquet columns are read by the loader's
 * own DESCRIBE (see load.ts).
 */
export async function preflight(dataDir: string, options: LoadOptions = {}): Promise<InputFile[]> {
  checkOptions(options);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new SoOError('load', `pilot data folder ${dataDir} does not exist`);
  }
  const found: InputFile[] = [];
  const needed = (spec: FileSpec) => (options.required ? options.required.includes(spec.name) : spec.required);
  /** One file, checked on its own; `hasRows` says whether a header-only file is an error. */
  const checkFile = async (spec: FileSpec, path: string, format: FileFormat, hasRows: boolean): Promise<InputFile & { hasRows: boolean }> => {
    const encoding = encodingOf(options, spec.name);
    if (format === 'parquet') {
      checkParquetMagic(path);
      return { name: spec.name, path, format, columns: [], encoding: 'utf-8', lineBreak: 10, hasRows: true };
    }
    let head: Head;
    try {
      head = format === 'csv.gz' ? await readGzipHead(path) : readPlainHead(path);
    } catch (e) {
      throw new SoOError('load', `${path} cannot be read as gzip-compressed CSV (${(e as Error).message})`);
    }
    const header = parseHeader(head, path, encoding);
    checkColumns(spec, header.columns, path, header.record);
    if (hasRows && !header.hasRows) throw new SoOError('load', `${path} has a header but no rows: nothing to analyse`);
    return { name: spec.name, path, format, columns: header.columns, encoding, lineBreak: header.lineBreak, hasRows: header.hasRows };
  };
  for (const spec of CONTRACT) {
    const hit = locate(dataDir, spec.name);
    if (!hit) {
      if (needed(spec)) {
        throw new SoOError('load', `missing required file ${spec.name} in ${dataDir} (expected ${spec.name}.csv, ${spec.name}.csv.gz, ${spec.name}.parquet or a folder ${spec.name}/ of such files)`);
      }
      continue;
    }
    if (!hit.files) {
      const { hasRows: _, ...file } = await checkFile(spec, hit.path, hit.format, needed(spec));
      found.push(file);
      continue;
    }
    // A folder: every file has the first one's header (the scan reads columns by position); some file has rows.
    const parts: InputFile[] = [];
    let rows = false;
    for (const path of hit.files) {
      const { hasRows, ...part } = await checkFile(spec, path, hit.format, false);
      if (parts.length && part.columns.join(',') !== parts[0].columns.join(',')) {
        throw new SoOError('load', `${path} has other columns than ${parts[0].path} (${part.columns.join(', ')} against ${parts[0].columns.join(', ')}): every ${spec.name} file needs the same header`);
      }
      rows ||= hasRows;
      parts.push(part);
    }
    if (needed(spec) && !rows) throw new SoOError('load', `${hit.path}: its files have a header but no rows: nothing to analyse`);
    found.push({ ...parts[0], path: hit.path, parts });
  }
  const ahead = options.checkAheadBytes ?? LOAD_DEFAULTS.checkAheadBytes;
  const checks: Promise<unknown>[] = [];
  for (const f of found.flatMap((input) => input.parts ?? [input])) {
    if (f.format === 'parquet') continue;
    f.integrity = surveyCsv(f.path, f.format, f.lineBreak);
    // Awaited by the loader; until then a failure must not count as unhandled.
    f.integrity.catch(() => undefined);
    // A read or gzip failure is the loader's to report when it awaits the check, as for a big file.
    if (statSync(f.path).size <= ahead) checks.push(f.integrity.then((survey) => checkEncoding(f, survey), () => undefined));
  }
  await Promise.all(checks);
  return found;
}

/** Stops the run when a file is not in the encoding it is read with (see survey.ts, encodingProblem). */
export function checkEncoding(input: InputFile, survey: FileSurvey): void {
  const problem = encodingProblem(survey, input.path, input.name, input.encoding);
  if (problem) throw new SoOError('load', problem);
}

/** Separators people use instead of commas, with their names for the message. */
const OTHER_SEPARATORS: [string, string][] = [[';', 'semicolons'], ['\t', 'tabs'], ['|', 'vertical bars']];

/**
 * Stops the run when a file lacks a required column; when its header is split by another
 * separator, says which (a semicolon-separated export is the usual cause).
 */
export function checkColumns(spec: FileSpec, columns: string[], path: string, headerRecord?: string): void {
  const missing = headerColumns(spec).filter((c) => !columns.includes(c));
  if (!missing.length) return;
  const other = headerRecord === undefined ? undefined : OTHER_SEPARATORS
    .map(([sep, name]) => ({ sep, name, fields: headerRecord.split(sep).map((c) => c.trim().replace(/^"|"$/g, '')) }))
    .filter((o) => o.fields.length > 1 && missing.some((c) => o.fields.includes(c)))
    .sort((a, b) => b.fields.length - a.fields.length)[0];
  if (other) {
    const shown = other.sep === '\t' ? 'tab' : `'${other.sep}'`;
    throw new SoOError('load', `${path} separates its header by ${other.name} (${shown}), not commas: the contract needs comma-separated CSV`);
  }
  throw new SoOError('load', `${path} lacks required ${plural(missing.length, 'column')} ${missing.join(', ')}`);
}

export interface AbsentFile {
  file: FileName;
  /** What the steps do without it (FileSpec.whenAbsent). */
  note: string;
}

/** The contract's optional files a data folder lacks, in contract order, each with what the steps do without it. */
export function absentFiles(found: readonly { name: FileName }[]): AbsentFile[] {
  return CONTRACT.filter((spec) => !spec.required && !found.some((f) => f.name === spec.name))
    .map((spec) => ({ file: spec.name, note: spec.whenAbsent ?? 'the steps that use it leave it out' }));
}
