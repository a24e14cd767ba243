/**
 * A buffered CSV file writer with backpressure, optionally gzip-compressed, so
 * the generator streams millions of rows with flat memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, constants } from 'node:zlib';
import type { Writable } from 'node:stream';

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class CsvSink {
  private parts: (string | Buffer)[] = [];
  private size = 0;
  private readonly out: Writable;
  private readonly file: WriteStream;
  rows = 0;

  constructor(path: string, header: string[], gzip = path.endsWith('.gz')) {
    this.file = createWriteStream(path);
    if (gzip) {
      const z = createGzip({ level: constants.Z_DEFAULT_COMPRESSION });
      z.pipe(this.file);
      this.out = z;
    } else this.out = this.file;
    this.parts.push(header.join(',') + '\n');
  }

  /** Appends one data row given as fields. */
  row(fields: (string | number | boolean | null | undefined)[]): Promise<void> | void {
    return this.raw(fields.map(csvField).join(',') + '\n');
  }

  /** Appends text or bytes as they are (for rows that are meant to be broken). */
  raw(text: string | Buffer): Promise<void> | void {
    this.parts.push(text);
    this.size += text.length;
    this.rows++;
    if (this.size > 1 << 20) return this.flush();
  }

  private flush(): Promise<void> | void {
    const chunk = Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) return new Promise((resolve) => this.out.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.file.once('finish', () => resolve());
      this.file.once('error', reject);
      this.out.end();
    });
  }
}
