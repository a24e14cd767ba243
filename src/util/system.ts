/**
 * Debian packages the notebooks (Jupyter) and the browser tests (Chromium) need.
 * As root on a machine that lacks them they are installed with apt-get; otherwise
 * the caller gets one message saying what to install. Nothing is skipped silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SoOError } from './errors';

let updated = false;

export interface SystemNeed {
  /** What it is for, for the message. */
  purpose: string;
  /** Debian package names. */
  packages: string[];
  /** True when the need is already met. */
  present: () => boolean;
}

export function commandWorks(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  return r.status === 0;
}

export function ensureSystem(need: SystemNeed): void {
  if (need.present()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new SoOError('setup', `${need.purpose} needs the Debian packages ${need.packages.join(' ')}: run (as root) apt-get install -y --no-install-recommends ${need.packages.join(' ')}`);
  }
  process.stderr.write(`[setup] installing ${need.packages.join(' ')} for ${need.purpose}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...need.packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (!need.present()) throw new SoOError('setup', `${need.packages.join(' ')} installed but ${need.purpose} still cannot run`);
}

export const CHROMIUM = '/usr/bin/chromium';

export const chromiumNeed: SystemNeed = {
  purpose: 'the report browser test',
  packages: ['chromium'],
  present: () => existsSync(CHROMIUM),
};

export const jupyterNeed: SystemNeed = {
  purpose: 'running the notebooks',
  packages: ['jupyter-nbconvert', 'jupyter-client', 'python3-ipykernel'],
  present: () => commandWorks('jupyter', ['nbconvert', '--version']) && commandWorks('/usr/bin/python3', ['-c', 'import ipykernel, jupyter_client']),
};

export const jupyterNotebookNeed: SystemNeed = {
  purpose: 'opening the notebooks interactively',
  packages: ['jupyter-notebook'],
  present: () => commandWorks('jupyter', ['notebook', '--version']),
};
