/**
 * The feature matrix for clustering and propensity models: chosen mart columns,
 * log1p on long-tailed counts, then z-scores (a constant column scores 0).
 */
import type { ColumnTable } from 'arquero';
import { mean, sd } from '../util/stats';
import { SoOError } from '../util/errors';

export interface Standardised {
  matrix: number[][];
  features: string[];
  means: number[];
  sds: number[];
}

export function featureMatrix(table: ColumnTable, features: readonly string[], logFeatures: readonly string[] = []): Standardised {
  const names = table.columnNames();
  const columns = features.map((f) => {
    if (!names.includes(f)) throw new SoOError('segments', `feature ${f} is not a column of the mart`);
    const raw = table.array(f) as number[];
    return Array.from(raw, (v) => (logFeatures.includes(f) ? Math.log1p(Math.max(0, v)) : v));
  });
  const means = columns.map(mean);
  const sds = columns.map(sd);
  const n = table.numRows();
  const matrix: number[][] = [];
  for (let i = 0; i < n; i++) matrix.push(columns.map((c, j) => (sds[j] > 0 ? (c[i] - means[j]) / sds[j] : 0)));
  return { matrix, features: [...features], means, sds };
}
