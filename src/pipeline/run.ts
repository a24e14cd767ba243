/**
 * The pipeline: wires the five steps through the catalog. Step functions are
 * pure (tables in, tables out); this module does the I/O, the timings and the
 * run manifest. `from` re-runs a step and those after it from persisted outputs.
 */
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { catalog, STEPS, type Step } from '../catalog';
import { DEFAULTS, type Config } from '../config';
import { closeDb, lit, openDb, queryTable, run, type Db } from '../io/duckdb';
import { preflight, type InputFile } from '../io/files';
import { emptyTable, loadFile, LOAD_ORDER, type FileCounts } from '../io/load';
import { fileSpec } from '../io/contract';
import { readTable, writeTable, writeText } from '../io/tables';
import { buildMart } from '../mart/mart';
import { FEATURES } from '../mart/dictionary';
import { networkStep } from '../network/network';
import { valueStep } from '../value/value';
import { segmentStep } from '../segments/segments';
import { ruleFeatures } from '../segments/personas';
import { offerStep } from '../offers/offers';
import { DEFAULT_PRODUCTS } from '../offers/catalog';
import { SoOError } from '../util/errors';
import { Progress } from '../util/progress';
import { buildReport } from '../report/report';
import { pseudonymKey, PSEUDONYM_KEY_ENV } from '../report/privacy';

export interface PipelineOptions {
  data: string;
  out: string;
  config: Config;
  from?: Step;
  /** Last step to run (default: report). Notebooks run one step at a time. */
  until?: Step;
  /** Progress lines; default stderr. Pass () => {} for silence. */
  log?: (line: string) => void;
}

export interface Manifest {
  completed: boolean;
  error?: string;
  data: string;
  from: Step;
  seed: number;
  config: Config;
  inputs: FileCounts[];
  observed_days?: number;
  outputs: Record<string, number>;
  timings_s: Record<string, number>;
  /** Peak resident memory of the process (JS and DuckDB), MB. */
  peak_rss_mb?: number;
  versions: Record<string, string>;
}

function versions(): Record<string, string> {
  const pkg = (name: string) => {
    try {
      return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version as string;
    } catch {
      return 'unknown';
    }
  };
  const own = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
  return {
    'segment-of-one': own, node: process.version, '@duckdb/node-api': pkg('@duckdb/node-api'), arquero: pkg('arquero'),
    graphology: pkg('graphology'), 'ml-kmeans': pkg('ml-kmeans'),
  };
}

/** Config keys that name mart features must name real ones: checked before any work. */
function checkFeatures(config: Config): void {
  const known = new Set(FEATURES.map((f) => f.name));
  const named: [string, string[]][] = [
    ['segments.features', config.segments.features],
    ['segments.log_features', config.segments.log_features],
    ['segments.personas[].when', ruleFeatures(config.segments.personas)],
    ['offers.features', config.offers.features],
  ];
  for (const [key, list] of named) {
    const bad = list.filter((f) => !known.has(f));
    if (bad.length) throw new SoOError('config', `${key} names unknown mart feature${bad.length > 1 ? 's' : ''} ${bad.join(', ')}`);
  }
}

/** Step 1 with the loading before it: every table the later steps read, from the pilot files. */
async function loadAndMart(db: Db, files: InputFile[], options: PipelineOptions, manifest: Manifest, log: (l: string) => void) {
  const cat = catalog(options.out);
  rmSync(cat.quarantineDir, { recursive: true, force: true });
  mkdirSync(cat.quarantineDir, { recursive: true });
  for (const name of LOAD_ORDER) {
    const input = files.find((f) => f.name === name);
    if (!input) {
      await emptyTable(db, fileSpec(name));
      if (name === 'products') {
        const values = DEFAULT_PRODUCTS.map((p) => `(${[p.product_id, p.name, p.audience].map(lit).join(', ')}, ${p.monthly_price}, ${p.margin_rate}, ${lit(p.description)})`).join(', ');
        await run(db, `INSERT INTO products VALUES ${values}`);
      }
      manifest.inputs.push({ file: name, path: null, format: 'absent', read: 0, accepted: 0, quarantined: 0, reasons: {} });
      continue;
    }
    const started = Date.now();
    const bar = new Progress(`load ${name}`);
    const counts = await loadFile(db, input, cat.quarantineDir, (p, doing) => bar.percent(p, doing));
    bar.clear();
    manifest.inputs.push(counts);
    log(`[load] ${name}: ${counts.read.toLocaleString('en')} rows read, ${counts.quarantined.toLocaleString('en')} quarantined (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  }
  const bar = new Progress('mart');
  const { mart, edges, holdings } = await buildMart(db, options.config, (p) => bar.percent(p));
  bar.clear();
  manifest.observed_days = (mart.numRows() ? (mart.get('observed_days', 0) as number) : 0);
  return {
    mart,
    edges,
    holdings,
    products: await queryTable(db, 'SELECT * FROM products ORDER BY product_id'),
    accounts: await queryTable(db, 'SELECT * FROM accounts WHERE account_id IN (SELECT account_id FROM pilot_lines) ORDER BY account_id'),
    contacts: await queryTable(db, 'SELECT * FROM contacts WHERE account_id IN (SELECT account_id FROM pilot_lines) ORDER BY account_id, contact_id'),
  };
}

export async function runPipeline(options: PipelineOptions): Promise<Manifest> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const from = options.from ?? 'mart';
  const until = options.until ?? 'report';
  if (!STEPS.includes(from)) throw new SoOError('pipeline', `--from must be one of ${STEPS.join(', ')}, got ${from}`);
  if (!STEPS.includes(until) || STEPS.indexOf(until) < STEPS.indexOf(from)) {
    throw new SoOError('pipeline', `--until must be one of ${STEPS.slice(STEPS.indexOf(from)).join(', ')}, got ${until}`);
  }
  const config = options.config;
  checkFeatures(config);
  const cat = catalog(options.out);
  const manifest: Manifest = {
    completed: false, data: options.data, from, seed: config.seed, config, inputs: [], outputs: {}, timings_s: {}, versions: versions(),
  };
  // Everything that can stop the run is checked before the output folder is touched.
  let files: InputFile[] = [];
  if (from !== 'mart') {
    if (!existsSync(cat.manifest)) throw new SoOError('pipeline', `no earlier run in ${options.out}: run without --from first`);
    const before = JSON.parse(readFileSync(cat.manifest, 'utf8')) as Manifest;
    manifest.inputs = before.inputs;
    manifest.observed_days = before.observed_days;
  } else {
    files = await preflight(options.data);
  }
  mkdirSync(options.out, { recursive: true });
  writeText(cat.manifest, JSON.stringify(manifest, null, 2) + '\n');
  const runFrom = (step: Step) => STEPS.indexOf(step) >= STEPS.indexOf(from) && STEPS.indexOf(step) <= STEPS.indexOf(until);
  const timed = async <T>(step: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    const result = await fn();
    manifest.timings_s[step] = (Date.now() - started) / 1000;
    return result;
  };
  const output = (key: keyof typeof cat, table: ColumnTable) => {
    writeTable(cat[key], table);
    manifest.outputs[cat[key].slice(options.out.length).replace(/^\/+/, '')] = table.numRows();
  };
  // A table a later step reads goes on as written (rounded, as text comes back), so a full run
  // and a run --from that step compute from the same bytes and give the same outputs.
  const persist = (key: keyof typeof cat, table: ColumnTable): ColumnTable => {
    output(key, table);
    return readTable(cat[key]);
  };

  try {
    let mart: ColumnTable, edges: ColumnTable;
    // Read from disk only when a step that runs needs them.
    let holdings: ColumnTable | undefined, products: ColumnTable | undefined, segments: ColumnTable | undefined;
    if (runFrom('mart')) {
      const db = await openDb({ threads: config.load.threads, memoryLimit: config.load.memory_limit, tempDirectory: cat.tmpDir });
      let loaded: Awaited<ReturnType<typeof loadAndMart>>;
      try {
        loaded = await timed('load_and_mart', () => loadAndMart(db, files, options, manifest, log));
      } finally {
        closeDb(db);
        rmSync(cat.tmpDir, { recursive: true, force: true });
      }
      for (const key of ['accounts', 'contacts'] as const) output(key, loaded[key]);
      holdings = persist('holdings', loaded.holdings);
      products = persist('products', loaded.products);
      mart = persist('mart', loaded.mart);
      edges = persist('edges', loaded.edges);
      output('dictionary', aq.from(FEATURES.map(({ name, unit, definition }) => ({ name, unit, definition }))));
      const events = manifest.inputs.find((f) => f.file === 'events')!;
      log(`[mart] ${events.accepted.toLocaleString('en')} events -> ${mart.numRows().toLocaleString('en')} lines, ${edges.numRows().toLocaleString('en')} call edges (${manifest.timings_s.load_and_mart.toFixed(1)}s)`);
    } else {
      mart = readTable(cat.mart);
      edges = readTable(cat.edges);
    }

    if (runFrom('network')) {
      const progress = new Progress('network');
      const network = await timed('network', () => networkStep(mart, edges, config, (d, t) => progress.update(d, t, 'accounts')));
      output('network', network);
      const roles = (network.groupby('role').count().objects() as { role: string; count: number }[]).map((r) => `${r.count} ${r.role}`).join(', ');
      progress.clear();
      log(`[network] ${network.numRows().toLocaleString('en')} lines: ${roles} (${manifest.timings_s.network.toFixed(1)}s)`);
    }

    if (runFrom('value')) {
      const inputs = { mart, edges, holdings: (holdings ??= readTable(cat.holdings)) };
      const value = await timed('value', () => valueStep(inputs, config));
      output('value', value);
      log(`[value] ${value.numRows().toLocaleString('en')} lines valued (${manifest.timings_s.value.toFixed(1)}s)`);
    }

    if (runFrom('segments')) {
      const result = await timed('segments', () => segmentStep(mart, config));
      segments = persist('segments', result.segments);
      output('clusterProfiles', result.profiles);
      const mix = (segments.groupby('segment').count().orderby(aq.desc('count')).objects() as { segment: string; count: number }[]).map((r) => `${r.count} ${r.segment}`).join(', ');
      log(`[segments] ${mix} (${manifest.timings_s.segments.toFixed(1)}s)`);
    }

    if (runFrom('offers')) {
      const inputs = { mart, segments: segments ?? readTable(cat.segments), products: products ?? readTable(cat.products), holdings: holdings ?? readTable(cat.holdings) };
      const result = await timed('offers', () => offerStep(inputs, config));
      output('offers', result.offers);
      output('propensities', result.propensities);
      output('proposals', result.proposals);
      log(`[offers] ${result.offers.numRows().toLocaleString('en')} offers for ${mart.numRows().toLocaleString('en')} lines, ${result.proposals.numRows()} account proposals (${manifest.timings_s.offers.toFixed(1)}s)`);
    }

    if (runFrom('report')) {
      const key = pseudonymKey(config.pseudonym_key);
      if (key === DEFAULTS.pseudonym_key) log(`[report] warning: the default pseudonym key is in use; set ${PSEUDONYM_KEY_ENV} or pseudonym_key per engagement`);
      const html = await timed('report', () => buildReport({
        accounts: readTable(cat.accounts), mart, network: readTable(cat.network), value: readTable(cat.value),
        segments: readTable(cat.segments), proposals: readTable(cat.proposals), edges, inputs: manifest.inputs,
      }, config, { pseudonymKey: key }));
      writeText(cat.report, html);
      manifest.outputs['report/index.html'] = Buffer.byteLength(html);
      log(`[report] ${cat.report}: ${(Buffer.byteLength(html) / 1024).toFixed(0)} kB (${manifest.timings_s.report.toFixed(1)}s)`);
    }
    manifest.completed = true;
  } catch (e) {
    manifest.error = (e as Error).message;
    throw e;
  } finally {
    manifest.timings_s.total = Object.values(manifest.timings_s).reduce((a, b) => a + b, 0);
    manifest.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
    writeText(cat.manifest, JSON.stringify(manifest, null, 2) + '\n');
  }
  return manifest;
}
