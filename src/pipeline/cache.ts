/**
 * Results of pure, costly computations kept across runs, addressed by a hash of everything they are computed
 * from: a mixture fit (from the feature matrix, the clustering settings and the seed), a chart (from the rows it
 * draws and its options). An analyst who renames a persona re-runs `--from personas`: the fit and every chart
 * whose rows did not change come from here, the rest is computed. Because the key covers every input, a hit
 * gives the bytes a computation would give; a miss, a corrupt or a missing entry only costs the computation.
 *
 * Entries live in `<out>/.cache/<namespace>/<key>`, written atomically; each namespace keeps its most recently
 * used `capacity` entries. Deleting the folder is always safe.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Cache {
  /** The cached text for these key parts, or computes, stores and returns it. */
  text(parts: readonly unknown[], compute: () => string): string;
  /** The same for a JSON value (numbers round-trip exactly). */
  json<T>(parts: readonly unknown[], compute: () => T): T;
  /** The same for a computation that runs asynchronously (on worker threads). */
  jsonAsync<T>(parts: readonly unknown[], compute: () => Promise<T>): Promise<T>;
  /** Whether a result for these key parts is kept (so costly inputs of a computation can be skipped). */
  has(parts: readonly unknown[]): boolean;
}

/** A cache that keeps nothing: notebooks' in-memory previews and tests of the computations themselves. */
export const NO_CACHE: Cache = { text: (_p, compute) => compute(), json: (_p, compute) => compute(), jsonAsync: (_p, compute) => compute(), has: () => false };

let fingerprint: string | undefined;

/**
 * The code a cached result was computed by: a hash of every module of this build (dist/ when run from it,
 * src/ under the test runner) and of the locked dependency versions. A rebuild with any change misses every entry.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  const root = dirname(__dirname);
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      // Declaration files (.d.ts) are not code that runs; reading them cost every run some 5 ms.
      else if (/\.(js|ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) h.update(e.name).update(readFileSync(path));
    }
  };
  walk(root);
  const lock = join(dirname(root), 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return (fingerprint = h.digest('hex'));
}

/** Hash of key parts and the code fingerprint: typed arrays by their bytes, everything else as JSON. */
export function cacheKey(parts: readonly unknown[]): string {
  const h = createHash('sha256');
  h.update(codeFingerprint());
  for (const part of parts) {
    if (ArrayBuffer.isView(part)) h.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    else h.update(JSON.stringify(part) ?? 'undefined');
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, 32);
}

export function cacheDir(out: string): string {
  return join(out, '.cache');
}

/** The disk cache of one namespace under an output folder; `readOnly` uses hits and writes nothing (previews). */
export function diskCache(out: string, namespace: string, options: { capacity?: number; readOnly?: boolean } = {}): Cache {
  const capacity = options.capacity ?? 500;
  const dir = join(cacheDir(out), namespace);
  let written = 0;
  const read = (key: string): string | undefined => {
    const path = join(dir, key);
    if (!existsSync(path)) return undefined;
    try {
      const now = new Date();
      utimesSync(path, now, now);
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const write = (key: string, text: string) => {
    if (options.readOnly) return;
    const tmp = join(dir, `${key}.tmp${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, text);
      renameSync(tmp, join(dir, key));
      if (++written % 50 === 1) evict(dir, capacity);
    } catch {
      // A cache that cannot be written (read-only folder, full disk) only costs the next run the computation;
      // a half-written entry is removed, not left to fill the disk further.
      rmSync(tmp, { force: true });
    }
  };
  // A kept JSON value, or undefined: absent, or torn (computed again by the caller).
  const parsed = <T>(key: string): { value: T } | undefined => {
    const hit = read(key);
    if (hit === undefined) return undefined;
    try {
      return { value: JSON.parse(hit) as T };
    } catch {
      return undefined;
    }
  };
  // Keeps a computed JSON value and hands it back: the synchronous and the asynchronous lookups end alike.
  const keep = <T>(key: string, value: T): T => {
    write(key, JSON.stringify(value));
    return value;
  };
  return {
    has: (parts) => existsSync(join(dir, cacheKey(parts))),
    text(parts, compute) {
      const key = cacheKey(parts);
      const hit = read(key);
      if (hit !== undefined) return hit;
      const value = compute();
      write(key, value);
      return value;
    },
    json<T>(parts: readonly unknown[], compute: () => T): T {
      const key = cacheKey(parts);
      const hit = parsed<T>(key);
      return hit ? hit.value : keep(key, compute());
    },
    async jsonAsync<T>(parts: readonly unknown[], compute: () => Promise<T>): Promise<T> {
      const key = cacheKey(parts);
      const hit = parsed<T>(key);
      return hit ? hit.value : keep(key, await compute());
    },
  };
}

/** Keeps the `capacity` most recently used entries of a namespace. */
function evict(dir: string, capacity: number): void {
  const entries = readdirSync(dir).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }));
  if (entries.length <= capacity) return;
  entries.sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(capacity)) rmSync(join(dir, f), { force: true });
}
