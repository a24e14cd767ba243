/**
 * arquero for the whole workspace, from the package's own single-file build (`dist/arquero.js`: the same release
 * as its ES modules, bundled by its authors). Why not `import ... from 'arquero'`: the package's entry is 170 ES
 * modules, which Node takes about 75 ms to resolve and compile on every run, against about 25 ms for the one
 * bundled file: a tenth of the analyst's `--from personas` loop. The bundle is a UMD script in a package typed
 * as ES modules, so `require` would take it for an ES module; it is compiled here as the script it is. The
 * browser build of arquero's byte streams it carries only serves `load*()` from URLs, which the workspace does
 * not use. Every module, test and notebook takes arquero from here, so every table is of the one copy of the
 * library (its `table()` and `assign()` recognise tables with `instanceof`).
 */
import type * as Arquero from 'arquero';
import { readFileSync } from 'node:fs';
import { compileFunction } from 'node:vm';

function bundled(): typeof Arquero {
  const file = require.resolve('arquero/dist/arquero.js');
  const module = { exports: {} };
  compileFunction(readFileSync(file, 'utf8'), ['exports', 'module'], { filename: file })(module.exports, module);
  return module.exports as typeof Arquero;
}

export const aq = bundled();
