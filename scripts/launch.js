#!/usr/bin/env node
/**
 * Runs a command of dist/cli (`node scripts/launch.js pipeline --data ...`), compiling first only when a
 * source is newer than the last build: a run on unchanged sources costs a walk of src/ (a few ms), not a
 * compile. `npm install` builds once (the prepare script).
 */
'use strict';
const { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.built');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (sources > built) {
  // Required only to compile: loading child_process costs every run some 8 ms.
  require('node:child_process').execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stamp, new Date().toISOString() + '\n');
}
const command = process.argv[2];
// The command's own arguments start where parseArgs looks for them.
process.argv.splice(2, 1);
require(join(root, 'dist', 'cli', `${command}.js`));
