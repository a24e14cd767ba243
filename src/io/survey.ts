/**
 * The whole-file check of a CSV input: one streaming pass over its text that tells the loader
 * what DuckDB's reader does not.
 *
 * - For `.csv.gz` the pass is the gzip integrity check (DuckDB reads a truncated gzip stream
 *   up to the break without complaint), so the other checks ride on a decompression that runs
 *   anyway; a plain CSV is read once more, beside DuckDB's own read.
 * - It counts the file's non-blank physical lines. DuckDB counts records; a quoted value that
 *   spans lines makes the two differ, and only then does the loader look closer (quotes.ts).
 * - It notes blank lines: DuckDB skips them but counts them in its line numbers, so the
 *   loader needs them to give every quarantined row its exact source row.
 * - It finds rows whose bytes are not UTF-8 and whether they read as Latin-1 text, which tells
 *   a file saved in another encoding from a few garbage bytes (see encodingProblem).
 *
 * Cheap by design: per chunk, native Buffer.indexOf and buffer.isUtf8; bytes are walked in JS
 * only in the rare lines that fail isUtf8. No row becomes a JS object.
 */
import { createReadStream } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SoOError } from '../util/errors';
import type { FileEncoding } from './options';

export interface InvalidRow {
  /** 1-based data row (the header is row 0), counted in physical lines. */
  row: number;
  /** The first byte that is not UTF-8. */
  byte: number;
  /** The text around that byte as Latin-1 reads it, e.g. `Müller`. */
  asLatin1: string;
}

export interface FileSurvey {
  /** Physical lines that hold anything, the header included. */
  lines: number;
  /** Data rows (1-based, physical) of the blank lines that come before the last non-blank one. */
  blankRows: number[];
  /** Whether the text holds a double quote at all: without one, no record can span lines. */
  quotes: boolean;
  utf8: {
    /** Rows holding bytes that are not UTF-8. */
    invalidRows: number;
    /** Of those, rows whose every such byte is a Latin-1 letter beside an ASCII letter. */
    latin1Rows: number;
    first?: InvalidRow;
    /** Whether the text holds a valid multi-byte UTF-8 character (a byte order mark aside). */
    multibyte: boolean;
  };
}

const CHUNK = 1 << 20;

/**
 * The file's text as a stream of chunks, decompressed for `.csv.gz`; a read or gzip failure
 * names the file. `onRead` hears how many bytes of the file itself were read so far.
 */
export async function* textChunks(path: string, format: 'csv' | 'csv.gz', onRead?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const source = createReadStream(path, { highWaterMark: CHUNK });
  // pipeline passes an error of either stream on to the one iterated
  const stream: Readable = format === 'csv.gz' ? pipeline(source, createGunzip({ chunkSize: CHUNK }), () => undefined) : source;
  try {
    for await (const chunk of stream) {
      onRead?.(source.bytesRead);
      yield chunk as Buffer;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_') || format === 'csv.gz' && /unexpected end/i.test(err.message)) {
      throw new SoOError('load', `${path} cannot be read: the gzip stream is truncated or corrupt (${err.message})`);
    }
    throw new SoOError('load', `${path} cannot be read (${err.message})`);
  } finally {
    source.destroy();
  }
}

/** Surveys a whole CSV file; `lineBreak` is the byte that ends its lines (LF, or CR in old Mac files). */
export async function surveyCsv(path: string, format: 'csv' | 'csv.gz', lineBreak: 10 | 13 = 10): Promise<FileSurvey> {
  const survey = new Surveyor(lineBreak);
  for await (const chunk of textChunks(path, format)) survey.add(chunk);
  return survey.finish();
}

/** Length of the longest prefix of `buf` that does not end inside a multi-byte UTF-8 sequence. */
function completeLength(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const b = buf[i];
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return buf.length - i < need ? i : buf.length;
    }
  }
  return buf.length;
}

const isAsciiLetter = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
/** À-ÿ in Latin-1 and Windows-1252, less × and ÷. */
const isLatin1Letter = (b: number) => b >= 0xc0 && b !== 0xd7 && b !== 0xf7;

/** Positions of the bytes in `seg` that are not part of a well-formed UTF-8 sequence. */
function invalidBytes(seg: Buffer): number[] {
  const bad: number[] = [];
  for (let i = 0; i < seg.length; ) {
    const b = seg[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need >= 0;
    for (let k = 1; ok && k <= need; k++) ok = (seg[i + k] ?? 0) >> 6 === 2;
    if (ok) i += need + 1;
    else bad.push(i++);
  }
  return bad;
}

/** The survey of a text given chunk by chunk (exported so a test can cut chunks where it likes). */
export class Surveyor {
  private breaks = 0;
  private lastBreak = -1;
  private offset = 0;
  private prevByte = -1;
  private blankLines = 0;
  private lastFilledLine = 0;
  private readonly blankRows: number[] = [];
  private quotes = false;
  private carry: Buffer | null = null;
  private started = false;
  private lastInvalidLine = 0;
  private readonly utf8: FileSurvey['utf8'] = { invalidRows: 0, latin1Rows: 0, multibyte: false };

  constructor(private readonly lineBreak: 10 | 13) {}

  add(chunk: Buffer): void {
    this.checkUtf8(chunk);
    if (!this.quotes && chunk.indexOf(34) !== -1) this.quotes = true;
    const lb = this.lineBreak;
    for (let p = chunk.indexOf(lb); p !== -1; p = chunk.indexOf(lb, p + 1)) {
      const at = this.offset + p;
      this.breaks++;
      const length = at - this.lastBreak - 1;
      const before = p > 0 ? chunk[p - 1] : this.prevByte;
      if (length === 0 || (length === 1 && lb === 10 && before === 13)) {
        this.blankLines++;
        if (this.breaks > 1) this.blankRows.push(this.breaks - 1);
      } else this.lastFilledLine = this.breaks;
      this.lastBreak = at;
    }
    this.offset += chunk.length;
    if (chunk.length) this.prevByte = chunk[chunk.length - 1];
  }

  finish(): FileSurvey {
    if (this.carry) this.invalidIn(this.carry, this.breaks + 1);
    let lines = this.breaks - this.blankLines;
    const tail = this.offset - this.lastBreak - 1;
    if (tail > 1 || (tail === 1 && this.prevByte !== 13)) {
      lines++;
      this.lastFilledLine = this.breaks + 1;
    }
    // Blank lines after the last row shift no row.
    const blankRows = this.blankRows.filter((r) => r < this.lastFilledLine - 1);
    return { lines, blankRows, quotes: this.quotes, utf8: this.utf8 };
  }

  private checkUtf8(chunk: Buffer): void {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started) {
      this.started = true;
      // A byte order mark says UTF-8 but proves nothing about the text.
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const cut = completeLength(buf);
    const body = buf.subarray(0, cut);
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    if (isUtf8(body)) {
      if (!this.utf8.multibyte && !isAscii(body)) this.utf8.multibyte = true;
      return;
    }
    // The carried bytes hold no line break, so body starts on the line after the breaks counted so far.
    this.invalidIn(body, this.breaks + 1);
  }

  /** Finds the lines of `body` that are not UTF-8; `line` is the physical line (1-based) it starts on. */
  private invalidIn(body: Buffer, line: number): void {
    for (let s = 0; s <= body.length; line++) {
      let e = body.indexOf(this.lineBreak, s);
      if (e === -1) e = body.length;
      const seg = body.subarray(s, e);
      if (!isUtf8(seg)) this.invalidRow(seg, line);
      else if (!isAscii(seg)) this.utf8.multibyte = true;
      s = e + 1;
    }
  }

  private invalidRow(seg: Buffer, line: number): void {
    const bad = invalidBytes(seg);
    // A row split across two chunks is one row.
    if (line !== this.lastInvalidLine) {
      this.lastInvalidLine = line;
      this.utf8.invalidRows++;
      // Latin-1 text: accented letters inside words; garbage bytes seldom sit beside a letter.
      const latin1 = bad.every((i) => isLatin1Letter(seg[i]) && (isAsciiLetter(seg[i - 1]) || isAsciiLetter(seg[i + 1])));
      if (latin1) this.utf8.latin1Rows++;
    }
    if (bad.length < seg.length && !isUtf8(seg) && hasValidMultibyte(seg, bad)) this.utf8.multibyte = true;
    if (!this.utf8.first) {
      const at = bad[0];
      const word = (i: number) => seg[i] !== undefined && (seg[i] >= 0x80 || isAsciiLetter(seg[i]) || (seg[i] >= 0x30 && seg[i] <= 0x39));
      let a = at;
      let b = at + 1;
      while (a > 0 && at - a < 24 && word(a - 1)) a--;
      while (b < seg.length && b - at < 24 && word(b)) b++;
      this.utf8.first = { row: line - 1, byte: seg[at], asLatin1: seg.subarray(a, b).toString('latin1') };
    }
  }
}

/** Whether `seg` holds a well-formed multi-byte sequence besides its invalid bytes. */
function hasValidMultibyte(seg: Buffer, bad: number[]): boolean {
  const invalid = new Set(bad);
  for (let i = 0; i < seg.length; i++) if (seg[i] >= 0xc2 && seg[i] <= 0xf4 && !invalid.has(i)) return true;
  return false;
}

/**
 * The one-line reason a file cannot be read in the encoding it is read with, or undefined.
 *
 * The rule that tells a file saved in another encoding from a few garbage bytes in a UTF-8
 * file: a file read as UTF-8 is judged to be Latin-1 / Windows-1252 when it holds no valid
 * multi-byte UTF-8 character at all (a UTF-8 file with accented letters has them) and more than
 * half of its rows with invalid bytes read as Latin-1 text, each invalid byte an accented letter
 * next to an ASCII letter (M\xFCller, Rechtsanw\xE4lte). Anything else (0xFF 0xFE amid digits, or
 * a few bad rows in a file whose other accents are proper UTF-8) is quarantined row by row.
 * Conversely, a file read as Latin-1 that is valid UTF-8 with multi-byte characters would have
 * every accent garbled (Müller as MÃ¼ller), so that stops the run too.
 */
export function encodingProblem(survey: FileSurvey, path: string, file: string, encoding: FileEncoding): string | undefined {
  const u = survey.utf8;
  if (encoding === 'utf-8' && u.invalidRows > 0 && !u.multibyte && u.latin1Rows * 2 > u.invalidRows && u.first) {
    const { row, byte, asLatin1 } = u.first;
    const bytes = `byte 0x${byte.toString(16).toUpperCase()} in "${asLatin1}"`;
    const where = u.invalidRows === 1 ? `row ${row} holds ${bytes}` : `${u.invalidRows.toLocaleString('en')} rows hold such bytes, the first is row ${row}: ${bytes}`;
    return `${path} is not UTF-8 but likely Latin-1 / Windows-1252 (${where}): save it as UTF-8, or read it with encoding latin-1 for ${file}`;
  }
  if (encoding === 'latin-1' && u.invalidRows === 0 && u.multibyte) {
    return `${path} is UTF-8, yet it is to be read as latin-1, which would garble every accented letter: drop the latin-1 encoding for ${file}`;
  }
  return undefined;
}
