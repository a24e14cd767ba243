/**
 * The pilot data contract (docs/data-contract.md) as data: which files, which
 * columns, their types and rules. The loader turns this into validation SQL, so
 * the contract is written down once.
 */
/** `day`: a date `YYYY-MM-DD` or an ISO 8601 timestamp with its offset, read as its (local) date. */
export type ColumnType = 'string' | 'integer' | 'decimal' | 'date' | 'day' | 'timestamp' | 'enum' | 'boolean' | 'country';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** true: always required; a SQL condition: required when it holds (e.g. voice rows). */
  required: boolean | string;
  values?: readonly string[];
  /** Smallest allowed value; `exclusive` makes it a strict bound. */
  min?: number;
  exclusive?: boolean;
  /** Largest allowed value (inclusive). */
  max?: number;
  /**
   * Free text: a quoted value may hold line breaks (up to LoadOptions.maxQuotedLines lines).
   * In every other column a quote must close on its own line (see load.ts, repairQuotes).
   */
  multiline?: boolean;
}

export interface ForeignKey {
  column: string;
  file: FileName;
  ref: string;
}

export type FileName = 'accounts' | 'lines' | 'events' | 'recharges' | 'holdings' | 'products' | 'cells' | 'contacts' | 'campaigns' | 'assignments' | 'responses';

export interface FileSpec {
  name: FileName;
  required: boolean;
  columns: readonly ColumnSpec[];
  /** Column whose values must be unique among accepted rows. */
  key?: string;
  foreignKeys: readonly ForeignKey[];
  /** For an optional file: what the steps do without it, in one sentence the run prints. */
  whenAbsent?: string;
  /**
   * A file of usage records, tens of millions of rows at an operator's scale: its accepted rows are not copied
   * (inputs/<file>.parquet) but kept as the load's staged scan less its quarantined rows (io/step.ts, acceptedSql).
   */
  eventScale?: boolean;
}

/** How a campaign or a marketing touch reaches people (contract v2). */
export const MEDIA = ['email', 'sms', 'telemarketing', 'direct_mail', 'web', 'sales_rep', 'app'] as const;
/** What the response memory records: `contacted` and `bounced` are outbound, the rest the prospect's. */
export const RESPONSES = ['contacted', 'bounced', 'opened', 'opted_in', 'provided_info', 'visited', 'downloaded', 'requested_info', 'meeting', 'transferred_to_sales', 'adopted', 'declined', 'opted_out'] as const;

const COUNTERPART_RULE = "service IN ('voice', 'sms')";

export const CONTRACT: readonly FileSpec[] = [
  {
    name: 'accounts', required: true, key: 'account_id', foreignKeys: [],
    columns: [
      { name: 'account_id', type: 'string', required: true },
      { name: 'account_name', type: 'string', required: true, multiline: true },
      { name: 'industry', type: 'string', required: false, multiline: true },
      { name: 'employees', type: 'integer', required: false, min: 0 },
      { name: 'region', type: 'string', required: false },
    ],
  },
  {
    name: 'lines', required: true, key: 'line_id',
    foreignKeys: [{ column: 'account_id', file: 'accounts', ref: 'account_id' }],
    columns: [
      { name: 'line_id', type: 'string', required: true },
      { name: 'account_id', type: 'string', required: true },
      { name: 'plan_id', type: 'string', required: true },
      { name: 'payment_type', type: 'enum', required: true, values: ['postpaid', 'prepaid'] },
      { name: 'monthly_fee', type: 'decimal', required: true, min: 0 },
      { name: 'activation_date', type: 'date', required: false },
      { name: 'handset_tier', type: 'enum', required: false, values: ['low', 'mid', 'high', 'unknown'] },
      { name: 'device_type', type: 'enum', required: false, values: ['smartphone', 'feature', 'tablet', 'router', 'unknown'] },
      { name: 'cost_center', type: 'string', required: false },
      { name: 'status', type: 'enum', required: false, values: ['active', 'suspended', 'closed'] },
    ],
  },
  {
    name: 'events', required: true, eventScale: true,
    foreignKeys: [{ column: 'line_id', file: 'lines', ref: 'line_id' }],
    columns: [
      { name: 'line_id', type: 'string', required: true },
      { name: 'start_time', type: 'timestamp', required: true },
      { name: 'service', type: 'enum', required: true, values: ['voice', 'sms', 'data'] },
      { name: 'direction', type: 'enum', required: COUNTERPART_RULE, values: ['out', 'in'] },
      { name: 'counterpart', type: 'string', required: COUNTERPART_RULE },
      { name: 'counterpart_network', type: 'enum', required: COUNTERPART_RULE, values: ['onnet', 'offnet', 'fixed', 'international', 'special'] },
      { name: 'counterpart_country', type: 'country', required: "counterpart_network = 'international'" },
      { name: 'duration_s', type: 'integer', required: "service = 'voice'", min: 0 },
      { name: 'volume_kb', type: 'integer', required: "service = 'data'", min: 0 },
      { name: 'cell_id', type: 'string', required: false },
      { name: 'roaming_country', type: 'country', required: false },
      { name: 'charge', type: 'decimal', required: false, min: 0 },
    ],
  },
  {
    name: 'recharges', required: false,
    whenAbsent: "no prepaid line has a top-up, so every prepaid line's current value (measured by its top-ups) is 0",
    foreignKeys: [{ column: 'line_id', file: 'lines', ref: 'line_id' }],
    columns: [
      { name: 'line_id', type: 'string', required: true },
      { name: 'time', type: 'timestamp', required: true },
      { name: 'amount', type: 'decimal', required: true, min: 0, exclusive: true },
      { name: 'channel', type: 'enum', required: true, values: ['retail', 'app', 'ussd', 'voucher', 'auto', 'other'] },
    ],
  },
  {
    name: 'products', required: false, key: 'product_id', foreignKeys: [],
    whenAbsent: 'the built-in catalog (src/offers/products.ts) is offered',
    columns: [
      { name: 'product_id', type: 'string', required: true },
      { name: 'name', type: 'string', required: true },
      { name: 'audience', type: 'enum', required: true, values: ['business', 'personal'] },
      { name: 'monthly_price', type: 'decimal', required: true, min: 0 },
      { name: 'margin_rate', type: 'decimal', required: true, min: 0, max: 1 },
      { name: 'description', type: 'string', required: false, multiline: true },
    ],
  },
  {
    name: 'holdings', required: false,
    whenAbsent: 'no line holds any product: each product is scored by its behaviour rule, and every employee counts as having no personal line with us',
    foreignKeys: [
      { column: 'line_id', file: 'lines', ref: 'line_id' },
      { column: 'product_id', file: 'products', ref: 'product_id' },
    ],
    columns: [
      { name: 'line_id', type: 'string', required: true },
      { name: 'product_id', type: 'string', required: true },
      { name: 'start_date', type: 'date', required: false },
      { name: 'end_date', type: 'date', required: false },
    ],
  },
  {
    name: 'cells', required: false, key: 'cell_id', foreignKeys: [],
    whenAbsent: "mobility is measured from the number of distinct cell ids only: every line's mobility_radius_km is 0",
    columns: [
      { name: 'cell_id', type: 'string', required: true },
      { name: 'lat', type: 'decimal', required: true, min: -90, max: 90 },
      { name: 'lon', type: 'decimal', required: true, min: -180, max: 180 },
    ],
  },
  {
    name: 'contacts', required: false,
    whenAbsent: 'no decision maker is known at any account: every account\'s relationship stage is no_relationship, and its next action is to acquire contacts',
    foreignKeys: [{ column: 'account_id', file: 'accounts', ref: 'account_id' }],
    columns: [
      { name: 'account_id', type: 'string', required: true },
      { name: 'contact_id', type: 'string', required: true },
      { name: 'role', type: 'string', required: false, multiline: true },
      { name: 'key_player', type: 'boolean', required: false },
      { name: 'dialogue_stage', type: 'enum', required: false, values: ['none', 'early', 'mid', 'late', 'sales'] },
      { name: 'last_response_date', type: 'date', required: false },
    ],
  },
  {
    name: 'campaigns', required: false, key: 'campaign_id',
    whenAbsent: 'no pilot has run yet: npm run measure has nothing to measure, and the pilot step designs the first one',
    foreignKeys: [{ column: 'product_id', file: 'products', ref: 'product_id' }],
    columns: [
      { name: 'campaign_id', type: 'string', required: true },
      { name: 'name', type: 'string', required: true, multiline: true },
      { name: 'product_id', type: 'string', required: false },
      { name: 'target', type: 'enum', required: true, values: ['line', 'account'] },
      { name: 'channel', type: 'enum', required: true, values: MEDIA },
      { name: 'start_date', type: 'date', required: true },
      { name: 'end_date', type: 'date', required: false },
      { name: 'cost_per_contact', type: 'decimal', required: false, min: 0 },
      { name: 'fixed_cost', type: 'decimal', required: false, min: 0 },
    ],
  },
  {
    name: 'assignments', required: false,
    whenAbsent: 'no unit is in a campaign: nothing to measure',
    foreignKeys: [
      { column: 'campaign_id', file: 'campaigns', ref: 'campaign_id' },
      { column: 'line_id', file: 'lines', ref: 'line_id' },
      { column: 'account_id', file: 'accounts', ref: 'account_id' },
    ],
    columns: [
      { name: 'campaign_id', type: 'string', required: true },
      { name: 'line_id', type: 'string', required: false },
      { name: 'account_id', type: 'string', required: false },
      { name: 'group', type: 'enum', required: true, values: ['treatment', 'control'] },
      { name: 'stratum', type: 'string', required: false },
    ],
  },
  {
    name: 'responses', required: false, key: 'response_id',
    whenAbsent: 'no response memory: relationship stages come from the contacts file alone, and no campaign can be measured',
    foreignKeys: [
      { column: 'account_id', file: 'accounts', ref: 'account_id' },
      { column: 'line_id', file: 'lines', ref: 'line_id' },
      { column: 'campaign_id', file: 'campaigns', ref: 'campaign_id' },
      { column: 'product_id', file: 'products', ref: 'product_id' },
    ],
    columns: [
      { name: 'response_id', type: 'string', required: false },
      { name: 'date', type: 'day', required: true },
      { name: 'account_id', type: 'string', required: true },
      { name: 'contact_id', type: 'string', required: false },
      { name: 'line_id', type: 'string', required: false },
      { name: 'campaign_id', type: 'string', required: false },
      { name: 'channel', type: 'enum', required: true, values: MEDIA },
      { name: 'response', type: 'enum', required: true, values: RESPONSES },
      { name: 'product_id', type: 'string', required: false },
      { name: 'value', type: 'decimal', required: false, min: 0 },
    ],
  },
];

export function fileSpec(name: FileName): FileSpec {
  const spec = CONTRACT.find((f) => f.name === name);
  if (!spec) throw new Error(`no contract for ${name}`);
  return spec;
}

/**
 * Columns a file's header must have. Conditionally required columns may be absent
 * (a pilot without data sessions has no volume_kb); rows that need them are then quarantined.
 */
export function headerColumns(spec: FileSpec): string[] {
  return spec.columns.filter((c) => c.required === true).map((c) => c.name);
}
