/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal,
 * otherwise one line per step so logs stay readable.
 */
export class Progress {
  private last = 0;
  private drawn = false;
  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, unit: string): void {
    this.draw(done / Math.max(1, total), done < total, `${done}/${total} ${unit}`);
  }

  /** A share of work done as DuckDB estimates it for a running statement (0-100). */
  percent(value: number, doing = ''): void {
    this.draw(value / 100, value < 100, `${Math.round(value)}% ${doing}`.trimEnd());
  }

  private draw(share: number, unfinished: boolean, text: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && unfinished) return;
    this.last = now;
    this.drawn = true;
    const width = 30;
    const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
    this.stream.write(`\r\x1b[K[${this.label}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${text}`);
  }

  /** Clears the bar, if one was drawn. */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  done(message: string): void {
    this.clear();
    this.stream.write(`[${this.label}] ${message}\n`);
  }
}
