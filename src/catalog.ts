/**
 * The data catalog (Kedro's catalog, dbt's schema files): every data set a run reads or writes, where it
 * lives under the output folder and, for tables, its columns and types. The types double as schema tests
 * on every table written and read back (src/io/tables.ts): keys unique and not null, enums within their
 * values, numbers finite, dates ISO. Steps name data sets; only this module knows paths.
 */
import { join } from 'node:path';
import { FEATURES } from './mart/dictionary';
import { ACCOUNT_FEATURES } from './accounts/mart';
import { STAGES } from './relationship/stages';
import { MEDIA, RESPONSES } from './io/contract';

export type ColumnType = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'enum';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  values?: readonly string[];
  /** Empty cells allowed (text columns may always be empty unless part of the key). */
  nullable?: boolean;
}

interface BaseDataset {
  /** Path under the output folder. */
  path: string;
  description: string;
  /** Holds real line ids: for the operator's own tools only, never for a report or a slide. */
  internal?: boolean;
}

export interface TableDataset extends BaseDataset {
  kind: 'table';
  columns: readonly ColumnDef[];
  /** Columns whose combination is unique and never empty. */
  key?: readonly string[];
  /** Further columns allowed after the declared ones (their names come from the config), numbers. */
  open?: boolean;
}

export interface OtherDataset extends BaseDataset {
  /** parquet: a folder of Parquet files that DuckDB reads; json: an object; text: a document; pages: a folder of documents by file name. */
  kind: 'parquet' | 'json' | 'text' | 'pages';
}

export type Dataset = TableDataset | OtherDataset;

const text = (name: string, nullable = false): ColumnDef => ({ name, type: 'text', nullable });
const int = (name: string, nullable = false): ColumnDef => ({ name, type: 'integer', nullable });
const num = (name: string, nullable = false): ColumnDef => ({ name, type: 'number', nullable });
const bool = (name: string, nullable = false): ColumnDef => ({ name, type: 'boolean', nullable });
const date = (name: string, nullable = false): ColumnDef => ({ name, type: 'date', nullable });
const oneOf = (name: string, values: readonly string[], nullable = false): ColumnDef => ({ name, type: 'enum', values, nullable });

export const ROLES = ['hub', 'bridge', 'connector', 'member', 'peripheral'] as const;
export const AUDIENCES = ['business', 'personal'] as const;
/** Who is approached: the employer (business line) or the employee (personal line). */
export const OFFER_CHANNELS = ['employer', 'employee'] as const;
/** How an account is served. */
export const CHANNELS = ['digital', 'partner', 'dedicated'] as const;

const table = (path: string, description: string, columns: ColumnDef[], key?: string[], extra: Partial<TableDataset> = {}): TableDataset =>
  ({ kind: 'table', path, description, columns, key, ...extra });

export const DATASETS = {
  inputs: { kind: 'parquet', path: 'inputs', description: 'Accepted input rows, typed, one Parquet file per input file (the events: the load\'s scan and the list of their quarantined rows, read through acceptedSql): what later steps and notebooks query instead of the raw files' },
  load_summary: { kind: 'json', path: 'inputs/summary.json', description: 'Rows read, accepted and quarantined per input file, with reasons and warnings' },
  accounts: table('intermediate/accounts.csv', 'Accepted accounts in scope', [
    text('account_id'), text('account_name'), text('industry', true), int('employees', true), text('region', true),
  ], ['account_id']),
  contacts: table('intermediate/contacts.csv', 'Decision makers known at the accounts in scope', [
    text('account_id'), text('contact_id'), text('role', true), bool('key_player', true),
    oneOf('dialogue_stage', ['none', 'early', 'mid', 'late', 'sales'], true), date('last_response_date', true),
  ]),
  products: table('intermediate/products.csv', 'The offer catalog: the pilot\'s products file or the built-in one', [
    text('product_id'), text('name'), oneOf('audience', AUDIENCES), num('monthly_price'), num('margin_rate'), text('description', true),
  ], ['product_id']),
  holdings: table('intermediate/active_holdings.csv', 'Products each line in scope holds at the end of the observed window, and since when', [
    text('line_id'), text('product_id'), date('start_date', true),
  ], ['line_id', 'product_id'], { internal: true }),
  responses: table('intermediate/responses.csv', 'The response memory of the accounts in scope: every touch and response, dated', [
    text('response_id'), date('date'), text('account_id'), text('contact_id'), text('line_id'), text('campaign_id'),
    oneOf('channel', MEDIA), oneOf('response', RESPONSES), text('product_id'), num('value', true),
  ], undefined, { internal: true }),
  holding_spells: table('intermediate/holding_spells.csv', 'Every dated holding of the lines in scope, ended ones too: when each line took up and gave up each product', [
    text('line_id'), text('product_id'), date('start_date'), date('end_date', true),
  ], undefined, { internal: true }),
  mart: table('mart/employee_mart.csv', 'Step 1: one row per line, behavioural features (see the dictionary)',
    FEATURES.map(({ name, type, values }) => ({ name, type, values, nullable: name === 'recharge_channel' || name === 'activation_date' })), ['line_id'], { internal: true }),
  window: { kind: 'json', path: 'mart/window.json', description: 'The observation window: first and last day (local dates) and its length in days' },
  dictionary: table('mart/feature_dictionary.csv', 'Name, unit and definition of every mart column', [text('name'), text('unit'), text('definition')], ['name']),
  edges: table('mart/call_edges.csv', 'Calls, minutes and SMS from each line to each colleague, counted from out records', [
    text('account_id'), text('line_id'), text('counterpart_line_id'), int('calls'), num('minutes'), int('sms'),
  ], ['line_id', 'counterpart_line_id'], { internal: true }),
  network: table('network/line_network.csv', 'Step 2: centralities, community, role, word-of-mouth seed and advocate per line', [
    text('line_id'), text('account_id'), int('degree'), num('strength'), num('pagerank'), int('pagerank_rank'), num('betweenness'),
    text('community'), int('community_size'), int('other_communities'), num('participation'), num('external_share'),
    int('distinct_external_counterparts'), oneOf('role', ROLES), bool('wom_seed'), bool('advocate'),
  ], ['line_id'], { internal: true }),
  ties: table('network/call_ties.csv', 'The internal call graph: one row per pair of colleagues who called or messaged, both directions summed, with its weight', [
    text('account_id'), text('line_id'), text('other_line_id'), int('calls'), num('minutes'), int('sms'), num('weight'),
  ], ['line_id', 'other_line_id'], { internal: true }),
  value: table('value/line_value.csv', 'Step 3: current, potential and influence value per line (currency per month), spend share and tier', [
    text('line_id'), text('account_id'), num('current_value'), num('potential_value'), num('influence_value'), num('total_value'),
    num('spend_share'), int('activity_band'), oneOf('value_tier', ['A', 'B', 'C']),
  ], ['line_id'], { internal: true }),
  personas: table('segments/line_segments.csv', 'Step 4: the persona of each line, its cluster, how sure and why', [
    text('line_id'), text('account_id'), text('persona'), text('segment'), int('cluster'), num('confidence'), text('reason'),
  ], ['line_id'], { internal: true }),
  cluster_profiles: table('segments/cluster_profiles.csv', 'Each cluster: its lines, the persona it is named, that signature\'s score, and the mean of each clustering feature', [
    int('cluster'), int('lines'), text('persona'), num('signature_score'),
  ], ['cluster'], { open: true }),
  persona_k_curve: table('segments/k_curve.csv', 'Mean silhouette of the persona clusters for each k tried: k is where it is highest', [int('k'), num('silhouette')], ['k']),
  offers: table('offers/next_best_offers.csv', 'Step 5: up to offers.per_line ranked offers per line, each with its expected margin (currency per month) and reason; rank 0 says why a line gets none', [
    text('line_id'), text('account_id'), int('rank'), text('product_id'), oneOf('audience', AUDIENCES, true), oneOf('channel', OFFER_CHANNELS, true),
    num('propensity'), num('expected_value'), text('reason'),
  ], ['line_id', 'rank'], { internal: true }),
  product_models: table('offers/product_models.csv', 'How each product was scored: model or behaviour rule (and why), holders, recent adopters, penalty, its approximate leave-one-out log-loss, the adoption rate its scale follows', [
    text('product_id'), oneOf('model', ['logistic', 'affinity', 'none']), int('holders'), int('recent_adopters'), int('at_risk'), num('l2', true),
    num('cv_log_loss', true), num('adoption_rate'), oneOf('scale', ['platt on recent adopters', 'rate of recent adopters', 'prior', 'none']), text('note'),
  ], ['product_id']),
  propensities: table('offers/propensities.csv', 'Every (line, product) pair: held, eligible, how it was scored, probability of adopting in the period after the window', [
    text('line_id'), text('account_id'), text('product_id'), bool('holds'), bool('eligible'), oneOf('model', ['logistic', 'affinity', 'none']), num('propensity'), text('reason'),
  ], ['line_id', 'product_id'], { internal: true }),
  proposals: table('offers/account_proposals.csv', 'Per account, each product (expected margin, currency per month) and each tariff (what the customer pays and the operator earns more or less, per month) to propose, with line counts', [
    text('account_id'), oneOf('kind', ['product', 'tariff']), text('item_id'), text('name'), oneOf('audience', AUDIENCES), oneOf('channel', OFFER_CHANNELS),
    int('lines'), num('share_of_lines'), num('expected_margin_per_month', true), num('customer_pays_change_per_month', true),
    num('operator_margin_change_per_month', true), text('detail'),
  ], ['account_id', 'kind', 'item_id']),
  account_mart: table('accounts/account_mart.csv', 'One row per account in scope: size, value, persona mix, network structure, intensities, products (see its dictionary)',
    ACCOUNT_FEATURES.map(({ name }) => ({ name, type: name === 'account_id' ? 'text' : ['lines', 'size', 'communities'].includes(name) ? 'integer' : name === 'employees' ? 'integer' : 'number', nullable: name === 'employees' })), ['account_id']),
  account_dictionary: table('accounts/feature_dictionary.csv', 'Name, unit and definition of every account mart column', [text('name'), text('unit'), text('definition')], ['name']),
  account_segments: table('accounts/account_segments.csv', 'Each account\'s needs segment, service channel with its reason, and its monthly margin net of the cost to serve', [
    text('account_id'), int('segment_id'), text('segment'), oneOf('channel', CHANNELS), text('channel_reason'), num('spend_per_month', true),
    num('margin_per_month', true), num('cost_to_serve_per_month'), num('net_margin_per_month', true), num('product_margin_per_month'),
    num('tariff_margin_change_per_month'),
  ], ['account_id']),
  segment_profiles: table('accounts/segment_profiles.csv', 'Each needs segment: its accounts and the mean of each segmentation feature', [
    int('segment_id'), text('segment'), int('accounts'),
  ], ['segment_id'], { open: true }),
  segment_k_curve: table('accounts/segment_k_curve.csv', 'Mean silhouette of the account segmentation for each k tried: k is where it is highest', [int('k'), num('silhouette')], ['k']),
  account_actions: table('accounts/account_actions.csv', 'Each account\'s relationship stage, the next marketing action that advances it, its medium and why, under the contact policy', [
    text('account_id'), text('segment'), text('channel'), oneOf('stage', STAGES), date('stage_since', true), text('next_action'),
    oneOf('medium', MEDIA, true), text('reason'), oneOf('policy', ['ok', 'touch limit', 'opted out', 'paused after declines']),
    int('touches_in_period'), int('offers_in_plan'), int('contacts'), int('key_players'), date('last_response', true), bool('responded_recently'),
  ], ['account_id']),
  stage_evidence: table('accounts/stage_evidence.csv', 'The dated evidence behind each account\'s stage: the contacts file, each response that moved it, silence', [
    text('account_id'), date('date', true), oneOf('source', ['contacts', 'responses', 'silence']), text('contact_id'), text('response'),
    oneOf('stage_before', STAGES, true), oneOf('stage_after', STAGES), text('note'),
  ]),
  campaign_results: table('measure/campaign_results.csv', 'Each campaign and outcome, overall (breakdown all) and by breakdown: rates or means per group, uplift with its interval, p and q values, incremental value, cost and return on investment', [
    text('campaign_id'), text('outcome'), text('breakdown'), text('breakdown_value'), int('treatment_units'), int('control_units'),
    int('treatment_responders'), int('control_responders'), num('treatment_rate', true), num('control_rate', true), num('uplift', true),
    num('uplift_low', true), num('uplift_high', true), num('relative_lift', true), num('relative_lift_low', true), num('relative_lift_high', true),
    num('p_value', true), int('tests_count'), num('q_value', true), num('treatment_mean', true), num('control_mean', true), num('difference', true),
    num('difference_low', true), num('difference_high', true), num('incremental_value', true), num('incremental_value_low', true),
    num('incremental_value_high', true), num('cost', true), num('roi', true), num('roi_low', true), num('roi_high', true),
  ], ['campaign_id', 'outcome', 'breakdown', 'breakdown_value']),
  sample_ratio: table('measure/sample_ratio.csv', 'Each campaign\'s group sizes against its design (chi-square), flagged when they differ', [
    text('campaign_id'), int('treatment_units'), int('control_units'), num('expected_control_share'), oneOf('share_source', ['design', 'observed']),
    int('strata'), num('chi_square', true), int('df'), num('p_value', true), bool('mismatch'), text('note'),
  ], ['campaign_id']),
  uplift_by_band: table('measure/uplift_by_band.csv', 'Uplift by propensity band where a campaign offered a product the offers step scored, and its Qini coefficient', [
    text('campaign_id'), text('outcome'), int('band'), int('units'), int('treatment_units'), int('control_units'),
    num('treatment_rate', true), num('control_rate', true), num('uplift', true), num('qini_coefficient'),
  ], ['campaign_id', 'band']),
  spillover: table('measure/spillover.csv', 'Adoption among untreated colleagues of treated lines against colleagues of control lines, where accounts or communities were randomised', [
    text('campaign_id'), oneOf('randomised_by', ['account', 'community']), text('outcome'), int('treatment_colleagues'), int('control_colleagues'),
    int('treatment_clusters'), int('control_clusters'), num('treatment_rate'), num('control_rate'), num('difference'),
    num('difference_low', true), num('difference_high', true), num('p_value', true),
  ], ['campaign_id']),
  pilot_campaigns: table('pilot/campaigns.csv', 'The pilot\'s campaigns in the input contract (campaigns), with the design\'s control share and unit of randomisation', [
    text('campaign_id'), text('name'), text('product_id'), oneOf('target', ['line', 'account']), oneOf('channel', MEDIA), date('start_date'), date('end_date'),
    num('cost_per_contact'), num('fixed_cost'), num('control_share'), oneOf('randomised_by', ['line', 'community', 'account']),
  ], ['campaign_id']),
  pilot_assignments: table('pilot/assignments.csv', 'Who is treated and who is held out, per campaign, in the input contract (assignments)', [
    text('campaign_id'), text('line_id'), text('account_id'), oneOf('group', ['treatment', 'control']), text('stratum'),
  ], undefined, { internal: true }),
  pilot_design: table('pilot/design.csv', 'Per campaign before launch: units per group, strata, the base rate the propensities expect, the design effect, and the smallest uplift detectable', [
    text('campaign_id'), text('name'), oneOf('target', ['line', 'account']), oneOf('randomised_by', ['line', 'community', 'account']), int('units'),
    int('treatment_units'), int('control_units'), int('strata'), int('clusters'), num('base_rate'), num('design_effect'), num('mde', true), num('mde_relative', true),
    num('power'), num('alpha'),
  ], ['campaign_id']),
  pilot_balance: table('pilot/balance.csv', 'Balance of the key features between treatment and control: standardised mean differences, flagged above 0.1', [
    text('campaign_id'), text('feature'), num('treatment_mean'), num('control_mean'), num('smd'), bool('imbalanced'),
  ], ['campaign_id', 'feature']),
  campaign_lists: table('pilot/internal/campaign_lists.csv', 'INTERNAL: per treated unit what to offer, through whom and why, with the real line id, for the operator\'s campaign tool', [
    text('campaign_id'), text('line_id'), text('account_id'), text('employee'), text('approach'), text('medium'), text('product_id'), text('offer'), text('reason'),
  ], undefined, { internal: true }),
  pseudonym_lookup: table('pilot/internal/pseudonym_lookup.csv', 'INTERNAL: the line id behind each pseudonym of the pilot\'s lists, written only when pilot.write_pseudonym_lookup is set', [
    text('employee'), text('line_id'),
  ], ['employee'], { internal: true }),
  report: { kind: 'text', path: 'report/index.html', description: 'The findings report: self-contained HTML, pseudonyms and aggregates only' },
  customer_reports: { kind: 'pages', path: 'report/customers', description: 'One report per account named in report.customers (<account_id>.html): that customer\'s sections alone, from the same models as the portfolio' },
} satisfies Record<string, Dataset>;

export type DatasetName = keyof typeof DATASETS;

export function dataset(name: DatasetName): Dataset {
  return DATASETS[name];
}

/** Where a data set lives in an output folder. */
export function datasetPath(out: string, name: DatasetName): string {
  return join(out, DATASETS[name].path);
}

/** A table's files: its CSV (the catalog's path) and its Parquet twin (the same name, `.parquet`), per output.format. */
export function tableFiles(out: string, name: DatasetName): { csv: string; parquet: string } {
  const csv = datasetPath(out, name);
  return { csv, parquet: csv.replace(/\.csv$/, '.parquet') };
}

/** Every file a data set may occupy in an output folder (a table: both formats). */
export function datasetFiles(out: string, name: DatasetName): string[] {
  return DATASETS[name].kind === 'table' ? Object.values(tableFiles(out, name)) : [datasetPath(out, name)];
}

/** Files of a run that are not data sets of a step. */
export function runFiles(out: string) {
  return {
    manifest: join(out, 'run.json'),
    quarantineDir: join(out, 'quarantine'),
    /** Where DuckDB spills beyond its memory limit; removed after the run. */
    tmpDir: join(out, '.tmp'),
  };
}
