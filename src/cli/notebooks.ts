#!/usr/bin/env node
/**
 * npm run notebooks [-- --data DIR --out DIR --config FILE]: executes notebooks/01..05 headless
 * (Jupyter nbconvert, tslab kernel). Their steps write into OUT (default outputs/notebooks: never the
 * CLI's outputs folder), the executed notebooks into OUT/executed; fails, naming the notebook, cell and
 * message, if any cell errors.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runMain } from './main';
import { loadConfig } from '../config';
import { ensureSystem, jupyterNeed, jupyterNotebookNeed } from '../util/system';
import { ensureBuiltInPilot } from '../generate/pilot';
import { PARAMS_ENV } from '../notebook/params';
import { SoOError } from '../util/errors';
import { ensureKernel, JUPYTER_PATH, notebookErrors, ROOT } from '../notebook/run';
import { plural } from '../util/text';

runMain(async () => {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, setup: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write([
      'Usage: npm run notebooks -- [--data DIR] [--out DIR] [--config FILE] [--setup]',
      'Executes notebooks/*.ipynb headless. Their steps write into OUT (default outputs/notebooks, so the',
      'outputs of npm run pipeline stay as they are); the executed notebooks go to OUT/executed.',
      '  --data DIR      the pilot data folder (default the built-in pilot, generated if absent)',
      '  --out DIR       where the notebooks\' steps write (default outputs/notebooks)',
      '  --config FILE   config overrides for every notebook (docs/config.md)',
      '  --setup         only install Jupyter (Debian, as root) and register the tslab kernel, then say how to',
      '                  open the notebooks',
      '  --help          this text',
      '',
    ].join('\n'));
    return;
  }
  ensureSystem(jupyterNeed);
  ensureKernel();
  if (values.setup) {
    ensureSystem(jupyterNotebookNeed);
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? ' --allow-root' : '';
    process.stdout.write(`Jupyter and the tslab kernel are ready. Open the notebooks with:\n  JUPYTER_PATH=${JUPYTER_PATH} jupyter notebook --no-browser --ip=127.0.0.1${asRoot} ${join(ROOT, 'notebooks')}\n`);
    return;
  }
  const data = resolve(values.data ?? join(ROOT, 'data', 'pilot'));
  const out = resolve(values.out ?? join(ROOT, 'outputs', 'notebooks'));
  // Checked here, so a bad file stops before any notebook runs.
  const config = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown> : {};
  loadConfig(values.config);
  if (!values.data) await ensureBuiltInPilot(data);
  const target = join(out, 'executed');
  mkdirSync(target, { recursive: true });
  const paramsFile = join(target, 'params.json');
  writeFileSync(paramsFile, JSON.stringify({ data, out, config }, null, 2) + '\n');
  const env = { ...process.env, [PARAMS_ENV]: paramsFile, JUPYTER_PATH, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  const notebooks = readdirSync(join(ROOT, 'notebooks')).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort();
  const started = Date.now();
  for (const nb of notebooks) {
    const t = Date.now();
    // --allow-errors keeps the executed notebook, so the failing cell's message can be read out of it.
    const run = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', '--ExecutePreprocessor.kernel_name=tslab',
      '--ExecutePreprocessor.timeout=900', '--output-dir', target, join(ROOT, 'notebooks', nb)], { env, encoding: 'utf8' });
    const executed = join(target, nb);
    if (run.status !== 0 || !existsSync(executed)) throw new SoOError('notebooks', `${nb} did not run: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const errors = notebookErrors(executed);
    if (errors.length) throw new SoOError('notebooks', `${nb} failed: ${errors.join(' | ')}`);
    process.stderr.write(`[notebooks] ${nb} (${((Date.now() - t) / 1000).toFixed(1)}s)\n`);
  }
  process.stderr.write(`[notebooks] ${notebooks.length} ${plural(notebooks.length, 'notebook')} executed into ${target} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});
