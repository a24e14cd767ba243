/**
 * The parameters cell of every notebook: defaults written in the cell, overridden
 * by the JSON file that SOO_NOTEBOOK_PARAMS names (papermill has no TypeScript
 * kernel; `npm run notebooks -- --data DIR --out DIR` writes that file).
 */
import { readFileSync } from 'node:fs';

export const PARAMS_ENV = 'SOO_NOTEBOOK_PARAMS';

export function notebookParams<T extends object>(defaults: T): T {
  const file = process.env[PARAMS_ENV];
  if (!file) return defaults;
  const given = JSON.parse(readFileSync(file, 'utf8')) as Partial<T>;
  return { ...defaults, ...given };
}
