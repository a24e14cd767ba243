/**
 * Quoted values that span lines, under the contract's rule: a quoted value may hold line
 * breaks only in a free-text column (ColumnSpec.multiline) and over at most maxQuotedLines
 * physical lines; any other quote that is still open at the end of its line breaks the rule.
 *
 * Why: DuckDB's reader follows RFC 4180, where a quoted field may run on to the end of the
 * file, so one stray quote in row 30 of an events file swallowed every row after it into one
 * rejected record. Its strict mode, max_line_size and skip do not stop that (skip counts
 * records, so it cannot step past the quote either). The loader spots it cheaply: the
 * survey's count of lines differs from DuckDB's count of records only when some record spans
 * lines (load.ts). Only then does this module read the file once more, as bytes, and mark the
 * rows whose quote breaks the rule, writing a copy in which those rows are blank lines. DuckDB
 * reads the copy in the original's place: a blank line keeps its number in DuckDB's count of
 * lines, so every other row keeps its source row, and the blanked rows go to quarantine with
 * their text. A broken quote thus costs exactly its own row.
 *
 * The byte rules follow DuckDB's strict reader, so the copy parses as predicted: a quote opens
 * a quoted value only at the start of a field; inside, `""` is a quote and `"` closes; a quote
 * elsewhere is a plain character. The loader checks DuckDB's count on the copy against this
 * module's and stops, naming the row, where they disagree.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSpec } from './contract';
import { textChunks } from './survey';
import type { InputFile } from './files';
import { SoOError } from '../util/errors';

export interface BrokenQuote {
  /** 1-based data row, as DuckDB numbers records (blank lines included). */
  row: number;
  /** The column where the quote opened (`field 13` beyond the header's columns). */
  column: string;
  /** The row's line as written. */
  text: string;
}

export interface QuoteRepair {
  /** Data records under the rule, blank and broken ones included. */
  records: number;
  /** Rows (as DuckDB numbers them) of blank lines before the last record. */
  blankRows: number[];
  /** Rows whose quote broke the rule, in file order. */
  broken: BrokenQuote[];
  /** The first row whose quoted value spans lines, allowed or not. */
  firstSpan?: number;
  /** The copy with the broken rows blanked, when there are any: the caller reads it, then deletes it. */
  copy?: string;
}

/** Beyond this many broken quotes the file's quoting is broken as a whole, and a row-by-row repair would mislead. */
export const MAX_BROKEN_QUOTES = 10000;
/** A record this long is no CSV row; the carry between chunks stops there. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;

/** Quote state of one record, carried from line to line. */
interface RecordState {
  inQuote: boolean;
  fieldStart: boolean;
  field: number;
  /** Field where the open quote opened. */
  openField: number;
  /** A closing quote followed by something other than a separator or the line's end. */
  malformed: boolean;
}

function scanLine(buf: Buffer, from: number, to: number, st: RecordState): void {
  for (let k = from; k < to; k++) {
    const b = buf[k];
    if (st.inQuote) {
      if (b !== QUOTE) continue;
      if (k + 1 < to && buf[k + 1] === QUOTE) k++;
      else {
        st.inQuote = false;
        if (k + 1 < to && buf[k + 1] !== COMMA) st.malformed = true;
      }
    } else if (b === COMMA) {
      st.field++;
      st.fieldStart = true;
    } else if (b === QUOTE && st.fieldStart) {
      st.inQuote = true;
      st.openField = st.field;
      st.fieldStart = false;
    } else st.fieldStart = false;
  }
}

/** One record read from `start`: where it ends, or that it needs more bytes, or that its quote broke the rule. */
type Outcome =
  | { kind: 'more' }
  | { kind: 'record'; end: number; lines: number; blank: boolean }
  | { kind: 'broken'; lineEnd: number; textEnd: number; field: number };

/**
 * Reads the file once, marks the rows whose quote breaks the rule and, when there are any,
 * writes the copy with those rows blanked into `tempDir`. `onProgress` hears the share of the
 * file read (0-100).
 */
export async function repairQuotes(input: InputFile, spec: FileSpec, maxQuotedLines: number, tempDir: string, onProgress?: (percent: number) => void): Promise<QuoteRepair> {
  const free = new Set(spec.columns.filter((c) => c.multiline).map((c) => c.name));
  const allowed = (field: number) => field < input.columns.length && free.has(input.columns[field]);
  const columnName = (field: number) => input.columns[field] ?? `field ${field + 1}`;
  const lb = input.lineBreak;
  const decode = input.encoding === 'latin-1' ? 'latin1' : 'utf8';

  const readRecord = (buf: Buffer, start: number, final: boolean, nextQuote: () => number): Outcome => {
    const st: RecordState = { inQuote: false, fieldStart: true, field: 0, openField: -1, malformed: false };
    let firstEnd = -1;
    let firstTextEnd = -1;
    // The column named for a broken row: where the quote that ran past its first line opened.
    let runaway = -1;
    for (let s = start, lines = 1; ; lines++) {
      let e = buf.indexOf(lb, s);
      const atEnd = e === -1;
      if (atEnd) {
        if (!final) return { kind: 'more' };
        e = buf.length;
      }
      const textEnd = lb === 10 && e > s && buf[e - 1] === CR ? e - 1 : e;
      const lineEnd = atEnd ? e : e + 1;
      if (lines === 1) {
        firstEnd = lineEnd;
        firstTextEnd = textEnd;
        if (textEnd === s) return { kind: 'record', end: lineEnd, lines, blank: true };
      }
      // Most lines hold no quote at all: only those with one are walked byte by byte.
      if (st.inQuote || nextQuote() < textEnd) scanLine(buf, s, textEnd, st);
      if (!st.inQuote) {
        if (lines > 1 && st.malformed) return { kind: 'broken', lineEnd: firstEnd, textEnd: firstTextEnd, field: runaway };
        return { kind: 'record', end: lineEnd, lines, blank: false };
      }
      if (lines === 1) runaway = st.openField;
      if (!allowed(st.openField) || lines >= maxQuotedLines || atEnd) {
        return { kind: 'broken', lineEnd: firstEnd, textEnd: firstTextEnd, field: runaway };
      }
      s = lineEnd;
    }
  };

  mkdirSync(tempDir, { recursive: true });
  const copy = join(tempDir, `soo-${spec.name}-${process.pid}-${Date.now()}.csv`);
  const out = openSync(copy, 'w');
  const result: QuoteRepair = { records: 0, blankRows: [], broken: [] };
  let headerDone = false;
  let lastFilled = 0;

  /** Handles the complete records of `buf`; returns where the incomplete rest starts. */
  const consume = (buf: Buffer, final: boolean): number => {
    let i = 0;
    let written = 0;
    if (!headerDone) {
      const e = buf.indexOf(lb);
      if (e === -1 && !final) return 0;
      i = e === -1 ? buf.length : e + 1;
      headerDone = true;
    }
    let quoteAt = -2;
    let from = i;
    // The next quote at or after the current line, found once per stretch of quote-free lines.
    const nextQuote = () => {
      if (quoteAt !== -1 && quoteAt < from) quoteAt = buf.indexOf(QUOTE, from);
      return quoteAt === -1 ? Infinity : quoteAt;
    };
    while (i < buf.length) {
      from = i;
      // The common line: complete, not blank, no quote. Counted without building anything.
      const e = buf.indexOf(lb, i);
      if (e !== -1) {
        const textEnd = lb === 10 && e > i && buf[e - 1] === CR ? e - 1 : e;
        if (textEnd > i && nextQuote() >= textEnd) {
          lastFilled = ++result.records;
          i = e + 1;
          continue;
        }
      }
      const o = readRecord(buf, i, final, nextQuote);
      if (o.kind === 'more') break;
      result.records++;
      if (o.kind === 'record') {
        if (o.blank) result.blankRows.push(result.records);
        else lastFilled = result.records;
        if (o.lines > 1) result.firstSpan ??= result.records;
        i = o.end;
        continue;
      }
      result.firstSpan ??= result.records;
      lastFilled = result.records;
      if (result.broken.length >= MAX_BROKEN_QUOTES) {
        throw new SoOError('load', `${input.path} has more than ${MAX_BROKEN_QUOTES.toLocaleString('en')} rows with a quote not closed on its line (the first at row ${result.broken[0].row}): its quoting is broken, fix it at the source`);
      }
      result.broken.push({ row: result.records, column: columnName(o.field), text: buf.subarray(i, o.textEnd).toString(decode) });
      // The row becomes a blank line: its line break stays, so the rows after it keep their numbers.
      writeSync(out, buf, written, i - written);
      writeSync(out, buf, o.textEnd, o.lineEnd - o.textEnd);
      written = o.lineEnd;
      i = o.lineEnd;
    }
    writeSync(out, buf, written, i - written);
    return i;
  };

  try {
    let carry: Buffer | null = null;
    const size = statSync(input.path).size;
    const read = onProgress && ((bytes: number) => onProgress((100 * bytes) / Math.max(1, size)));
    for await (const chunk of textChunks(input.path, input.format === 'csv.gz' ? 'csv.gz' : 'csv', read)) {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const rest = consume(buf, false);
      carry = rest < buf.length ? buf.subarray(rest) : null;
      if (carry && carry.length > MAX_RECORD_BYTES) {
        throw new SoOError('load', `${input.path}: the record at row ${result.records + 1} runs over ${MAX_RECORD_BYTES / 1024 / 1024} MiB, and the rows after it cannot be told apart`);
      }
    }
    if (carry) consume(carry, true);
  } catch (e) {
    closeSync(out);
    unlinkSync(copy);
    throw e;
  }
  closeSync(out);
  result.blankRows = result.blankRows.filter((r) => r < lastFilled);
  if (result.broken.length) result.copy = copy;
  else unlinkSync(copy);
  return result;
}
