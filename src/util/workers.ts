/**
 * Per-account work across worker threads (node:worker_threads): a job is a pure function of one task (an
 * account's lines and edges) and of values shared by all tasks (params, seed), exported by a compiled module.
 * Tasks are handed out one at a time to whichever worker is free, and results come back in task order, so the
 * output is the same whatever the number of workers or the order they finish in. Every random choice of a task
 * derives from the config seed and the account id (util/rng.ts deriveSeed), never from the worker.
 *
 * Workers run the compiled modules of dist/ (also under the test runner, which runs src/: `npm test` builds
 * first). Starting workers and loading their modules costs about 0.3-0.7 s on this machine, so per-account work
 * over fewer lines than engine.workers_min_lines runs in the main thread (workersFor): the same function, the
 * same order, the same bytes.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A job: `fn` exported by `module` (a path under dist/, e.g. 'network/network.js'), called as fn(task, shared). */
export interface WorkerJob {
  module: string;
  fn: string;
}

export interface WorkerOptions<R = unknown> {
  /** Worker threads; 1 runs every task in this thread. */
  workers: number;
  /** Called as each task is done, in any order. */
  onDone?: (done: number, total: number) => void;
  /**
   * Called with each task's result as it comes, in any order, while the workers go on with the next tasks: work
   * on a result in this thread overlaps theirs (the propensities' reasons at x100, 12 s, after the fits).
   */
  onResult?: (index: number, result: R) => void;
  /** A task's expected cost: the costliest are handed out first, so one large account does not start last. */
  cost?: (task: unknown) => number;
}

/**
 * Worker threads for per-account work over `lines` lines, from the config's engine section: `workers` (0 means one
 * per core the machine offers), or 1, the main thread, below `workers_min_lines`.
 */
export function workersFor(engine: { workers: number; workers_min_lines: number }, lines: number): number {
  if (lines < engine.workers_min_lines) return 1;
  return engine.workers > 0 ? engine.workers : availableParallelism();
}

/** Where the compiled module of a job lives: dist/ beside src/, whichever of the two this file runs from. */
function compiled(module: string): string {
  return resolve(join(__dirname, '..', '..', 'dist', module));
}

/**
 * Runs `job` over every task and returns the results in task order. With one worker (or one task) the function
 * runs in this thread, from the module this process already loaded.
 */
export async function mapTasks<T, S, R>(job: WorkerJob, local: (task: T, shared: S) => R, tasks: readonly T[], shared: S, options: WorkerOptions<R>): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  const count = Math.min(options.workers, tasks.length);
  let done = 0;
  if (count <= 1) {
    tasks.forEach((task, i) => {
      results[i] = local(task, shared);
      done++;
      options.onDone?.(done, tasks.length);
      options.onResult?.(i, results[i]);
    });
    return results;
  }
  const entry = compiled('util/worker.js');
  // The order tasks are handed out in changes when each is done, never its result.
  const queue = tasks.map((_, i) => i);
  if (options.cost) {
    const costs = tasks.map((t) => options.cost!(t));
    queue.sort((a, b) => costs[b] - costs[a] || a - b);
  }
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolvePool, rejectPool) => {
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) (failed = true), rejectPool(e);
      };
      for (let w = 0; w < count; w++) {
        const worker = new Worker(entry, { workerData: { module: compiled(job.module), fn: job.fn, shared } });
        workers.push(worker);
        const give = () => {
          if (next < tasks.length) {
            const i = queue[next++];
            worker.postMessage({ i, task: tasks[i] });
          }
        };
        worker.on('message', (m: { i: number; result?: R; error?: string }) => {
          if (m.error !== undefined) return fail(new Error(`segment-of-one/workers: ${job.fn} failed on task ${m.i}: ${m.error}`));
          results[m.i] = m.result as R;
          // Not inside the optional call: without onDone, its arguments are never evaluated.
          done++;
          // The worker is given its next task before this thread works on the result.
          give();
          try {
            options.onDone?.(done, tasks.length);
            options.onResult?.(m.i, results[m.i]);
          } catch (e) {
            // Thrown inside an event handler it would end the process with a stack trace: the run's promise fails instead.
            return fail(e as Error);
          }
          if (done === tasks.length) resolvePool();
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0 && done < tasks.length) fail(new Error(`segment-of-one/workers: a worker stopped with code ${code}`));
        });
        give();
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
