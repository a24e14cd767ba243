/**
 * Progress on stderr: a bar redrawn in place when stderr is a terminal,
 * otherwise one line per step so logs stay readable.
 */
export class Progress {
  private last = 0;
  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, unit: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    this.stream.write(`\r[${this.label}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${done}/${total} ${unit}`);
  }

  /** Clears the bar, if one was drawn. */
  clear(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
  }

  done(message: string): void {
    this.clear();
    this.stream.write(`[${this.label}] ${message}\n`);
  }
}
