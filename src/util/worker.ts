/** The entry of every worker thread (workers.ts): loads the job's function once, then runs each task it is sent. */
import { parentPort, workerData } from 'node:worker_threads';

// Not `module`: a CommonJS file's own name, which a top-level const would shadow.
const { module: path, fn, shared } = workerData as { module: string; fn: string; shared: unknown };
const job = require(path)[fn] as (task: unknown, shared: unknown) => unknown;

parentPort!.on('message', ({ i, task }: { i: number; task: unknown }) => {
  try {
    parentPort!.postMessage({ i, result: job(task, shared) });
  } catch (e) {
    parentPort!.postMessage({ i, error: (e as Error).stack ?? String(e) });
  }
});
