/**
 * Step 1, the employee data mart, as a step: SQL over the accepted inputs (Parquet, written by the load
 * step) gives one row per line, the internal call edge list, and the reference tables of the accounts in
 * scope that later steps read.
 */
import { aq } from '../util/arquero';
import type { ColumnTable } from 'arquero';
import { runFiles } from '../catalog';
import type { StepDef } from '../pipeline/step';
import { LOAD_ORDER } from '../io/load';
import { acceptedSql } from '../io/step';
import { ident, queryRows, queryTable, run } from '../io/duckdb';
import { DATASETS, type TableDataset } from '../catalog';
import { SoOError } from '../util/errors';
import { buildMart, type MartParams } from './mart';
import { FEATURES } from './dictionary';
import { plural } from '../util/text';

export type { MartParams };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The catalog's columns of a reference table: the input files may carry more (they stay in inputs/). */
const columnsOf = (name: 'products' | 'accounts' | 'contacts' | 'responses') => (DATASETS[name] as TableDataset).columns.map((c) => ident(c.name)).join(', ');

export const martStep: StepDef<MartParams> = {
  name: 'mart',
  summary: 'one row of behavioural features per line, and who calls whom inside each company',
  section: () => import('./section.js'),
  inputs: ['inputs'],
  requires: ['accounts', 'lines', 'events'],
  outputs: ['mart', 'window', 'dictionary', 'edges', 'accounts', 'contacts', 'products', 'holdings', 'holding_spells', 'responses'],
  defaults: { accounts: [], business_hours_start: 8, business_hours_end: 18, evening_start: 20, window_start: '', window_end: '' },
  validate(p, check) {
    check(p.business_hours_start < p.business_hours_end, 'business_hours_start', 'must be before business_hours_end');
    for (const key of ['window_start', 'window_end'] as const) check(p[key] === '' || ISO_DAY.test(p[key]), key, 'must be a date YYYY-MM-DD or empty');
    check(!p.window_start || !p.window_end || p.window_start <= p.window_end, 'window_start', 'must not be after window_end');
  },
  async preflight(p, facts) {
    if (!p.accounts.length) return;
    const known = await facts.accountIds();
    const unknown = p.accounts.filter((a) => !known.has(a));
    if (unknown.length) throw new SoOError('config', `mart.accounts names ${plural(unknown.length, 'account')} ${unknown.join(', ')}, not in the pilot's accounts (${known.size} ${plural(known.size, 'account')})`);
  },
  async run(inputs, p, ctx) {
    const db = await ctx.db();
    const dir = inputs.inputs as string;
    for (const name of LOAD_ORDER) await run(db, `CREATE OR REPLACE VIEW ${name} AS ${await acceptedSql(db, dir, name)}`);
    const bar = ctx.progress('mart');
    const { mart, edges, holdings, spells } = await buildMart(db, p, (x) => bar.percent(x));
    bar.clear();
    if (!mart.numRows()) ctx.warn(`no lines in scope${p.accounts.length ? ` (mart.accounts: ${p.accounts.join(', ')})` : ''}: every later table is empty`);
    const inScope = 'account_id IN (SELECT account_id FROM pilot_lines)';
    const [window] = await queryRows<{ first_day: string | null; last_day: string | null }>(db, 'SELECT first_day, last_day FROM observation_window');
    const outputs: Record<string, ColumnTable | object> = {
      window: { first_day: window?.first_day ?? null, last_day: window?.last_day ?? null, observed_days: mart.numRows() ? Number(mart.get('observed_days', 0)) : 0 },
      mart,
      edges,
      holdings,
      holding_spells: spells,
      dictionary: aq.from(FEATURES.map(({ name, unit, definition }) => ({ name, unit, definition }))),
      products: await queryTable(db, `SELECT ${columnsOf('products')} FROM products ORDER BY product_id`),
      accounts: await queryTable(db, `SELECT ${columnsOf('accounts')} FROM accounts WHERE ${inScope} ORDER BY account_id`),
      contacts: await queryTable(db, `SELECT ${columnsOf('contacts')} FROM contacts WHERE ${inScope} ORDER BY account_id, contact_id`),
      responses: await queryTable(db, `SELECT ${columnsOf('responses')} FROM responses WHERE ${inScope} ORDER BY date, account_id, response_id`),
    };
    return outputs;
  },
  describe: (o) => {
    const [lines, edges] = [(o.mart as ColumnTable).numRows(), (o.edges as ColumnTable).numRows()];
    return `${lines.toLocaleString('en')} ${plural(lines, 'line')}, ${edges.toLocaleString('en')} call ${plural(edges, 'edge')}`;
  },
};
