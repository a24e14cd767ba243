/**
 * Running notebooks headless: the tslab kernel registered inside the project, and
 * the errors read back out of an executed notebook (nbconvert alone only prints
 * "<Error>:" for a failing tslab cell).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(__dirname, '..', '..');
const JUPYTER_DIR = join(ROOT, '.jupyter');
export const JUPYTER_PATH = join(JUPYTER_DIR, 'share', 'jupyter');

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, string | string[]>;
}
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}

export const joinText = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

export function readNotebook(path: string): { cells: NotebookCell[] } {
  return JSON.parse(readFileSync(path, 'utf8')) as { cells: NotebookCell[] };
}

/** The tslab kernel, registered under the project's .jupyter so nothing outside it changes. */
export function ensureKernel(): void {
  if (existsSync(join(JUPYTER_PATH, 'kernels', 'tslab', 'kernel.json'))) return;
  const tslab = join(ROOT, 'node_modules', '.bin', 'tslab');
  execFileSync(tslab, ['install', '--python', '/usr/bin/python3', '--binary', tslab, '--prefix', JUPYTER_DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Errors in an executed notebook: error outputs and anything a cell wrote to stderr (tslab's messages). */
export function notebookErrors(path: string): string[] {
  const errors: string[] = [];
  readNotebook(path).cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'error') errors.push(`cell ${i + 1}: ${o.ename ?? 'Error'}: ${o.evalue ?? ''}`);
      else if (o.output_type === 'stream' && o.name === 'stderr') errors.push(`cell ${i + 1}: ${joinText(o.text).trim()}`);
    }
  });
  return errors;
}

/** How many outputs of an executed notebook carry an SVG chart. */
export function svgOutputs(path: string): number {
  return readNotebook(path).cells.flatMap((c) => c.outputs ?? []).filter((o) => {
    const d = o.data ?? {};
    return 'image/svg+xml' in d || joinText(d['text/html']).includes('<svg');
  }).length;
}
