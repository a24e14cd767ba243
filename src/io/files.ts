/**
 * Finds the contract's files in a pilot data folder and checks, before any work,
 * that each is readable and has its required columns.
 */
import { existsSync, statSync, openSync, readSync, closeSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CONTRACT, headerColumns, type FileName, type FileSpec } from './contract';
import { SoOError } from '../util/errors';

export type FileFormat = 'csv' | 'csv.gz' | 'parquet';

export interface InputFile {
  name: FileName;
  path: string;
  format: FileFormat;
  /** Column names as the header gives them (BOM stripped). */
  columns: string[];
  /**
   * For gzip files: a full decompression check running beside the load, since
   * DuckDB reads a truncated gzip stream up to the break without complaint.
   */
  integrity?: Promise<void>;
}

/** Decompresses a whole gzip file to nowhere; rejects on a truncated or corrupt stream. */
export function verifyGzip(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    gunzip.on('data', () => undefined);
    gunzip.on('end', () => resolve());
    gunzip.on('error', (e) => reject(new SoOError('load', `${path} cannot be read: the gzip stream is truncated or corrupt (${e.message})`)));
    const source = createReadStream(path);
    source.on('error', (e) => reject(new SoOError('load', `${path} cannot be read (${e.message})`)));
    source.pipe(gunzip);
  });
}

const FORMATS: FileFormat[] = ['csv', 'csv.gz', 'parquet'];

export function locate(dataDir: string, name: FileName): { path: string; format: FileFormat } | undefined {
  for (const format of FORMATS) {
    const path = join(dataDir, `${name}.${format}`);
    if (existsSync(path)) return { path, format };
  }
  return undefined;
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

function parseHeader(text: string, path: string): string[] {
  const clean = text.replace(/^\uFEFF/, '');
  const record = firstRecord(clean) ?? clean;
  if (!record.trim()) throw new SoOError('load', `${path} is empty: it needs a header row`);
  return splitCsvRecord(record).map((c) => c.trim());
}

function readPlainHead(path: string, bytes = 65536): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function readGzipHead(path: string, bytes = 65536): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const source = createReadStream(path);
    const gunzip = createGunzip();
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      source.destroy();
      gunzip.destroy();
      if (err && size === 0) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes || firstRecord(Buffer.concat(chunks).toString('utf8')) !== undefined) finish();
    });
    gunzip.on('end', () => finish());
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

/**
 * Checks the data folder: required files exist and every file has its required
 * columns. Parquet columns are read by the loader's own DESCRIBE (see load.ts).
 */
export async function preflight(dataDir: string): Promise<InputFile[]> {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new SoOError('load', `pilot data folder ${dataDir} does not exist`);
  }
  const found: InputFile[] = [];
  for (const spec of CONTRACT) {
    const hit = locate(dataDir, spec.name);
    if (!hit) {
      if (spec.required) {
        throw new SoOError('load', `missing required file ${spec.name} in ${dataDir} (expected ${spec.name}.csv, ${spec.name}.csv.gz or ${spec.name}.parquet)`);
      }
      continue;
    }
    let columns: string[] = [];
    if (hit.format === 'parquet') {
      checkParquetMagic(hit.path);
    } else {
      let text: string;
      try {
        text = hit.format === 'csv.gz' ? await readGzipHead(hit.path) : readPlainHead(hit.path);
      } catch (e) {
        throw new SoOError('load', `${hit.path} cannot be read as gzip-compressed CSV (${(e as Error).message})`);
      }
      columns = parseHeader(text, hit.path);
      checkColumns(spec, columns, hit.path);
    }
    found.push({ name: spec.name, path: hit.path, format: hit.format, columns });
  }
  for (const f of found) {
    if (f.format !== 'csv.gz') continue;
    f.integrity = verifyGzip(f.path);
    // Awaited by the loader; until then a failure must not count as unhandled.
    f.integrity.catch(() => undefined);
  }
  return found;
}

export function checkColumns(spec: FileSpec, columns: string[], path: string): void {
  const missing = headerColumns(spec).filter((c) => !columns.includes(c));
  if (missing.length) {
    throw new SoOError('load', `${path} lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
}
