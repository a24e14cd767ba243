/**
 * Timings for whoever profiles a run (docs/scaling.md): with SOO_DEBUG_SQL set, each DuckDB statement and each
 * step's inputs, run and writes go to stderr as `[kind N ms] what`; unset, nothing is written.
 */
export function debugTime(kind: string, started: number, what: () => string): void {
  if (process.env.SOO_DEBUG_SQL) process.stderr.write(`[${kind} ${Date.now() - started} ms] ${what()}\n`);
}
