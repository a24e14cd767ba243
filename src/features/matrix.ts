/**
 * The feature matrix shared by clustering (personas) and propensity models (offers): chosen mart
 * columns, log1p on the long-tailed ones (the dictionary's `scale: 'log'`), ln(x + 0.01) on small shares
 * (`scale: 'logshare'`), then z-scores (a constant column scores 0). One place, so both steps see a line's behaviour alike.
 */
import type { ColumnTable } from 'arquero';
import { feature } from '../mart/dictionary';
import { mean, sd } from '../util/stats';
import { SoOError } from '../util/errors';

export interface Standardised {
  matrix: number[][];
  features: string[];
  means: number[];
  sds: number[];
}

/** A feature's value as the models see it, before standardising (the dictionary's `scale`). */
export function modelValue(name: string, v: number): number {
  const scale = feature(name)?.scale;
  return scale === 'log' ? Math.log1p(Math.max(0, v)) : scale === 'logshare' ? Math.log(Math.max(0, v) + 0.01) : v;
}

export function featureMatrix(table: ColumnTable, features: readonly string[]): Standardised {
  const names = table.columnNames();
  const columns = features.map((f) => {
    if (!names.includes(f)) throw new SoOError('features', `${f} is not a column of the mart`);
    return Array.from(table.array(f) as ArrayLike<number>, (v) => modelValue(f, v));
  });
  const means = columns.map(mean);
  // A constant column is told by its values, not by its sd: the sd of a constant log(0.01) comes out 1e-17, not 0,
  // and would blow rounding noise up into z-scores of ±1.
  const sds = columns.map((c) => (c.every((v) => v === c[0]) ? 0 : sd(c)));
  const n = table.numRows();
  const matrix: number[][] = [];
  for (let i = 0; i < n; i++) matrix.push(columns.map((c, j) => (sds[j] > 0 ? (c[i] - means[j]) / sds[j] : 0)));
  return { matrix, features: [...features], means, sds };
}
