/**
 * The one place that knows where every data set of a run lives (Kedro's catalog).
 * The CLI, the notebooks and the tests all ask here.
 */
import { join } from 'node:path';

export const STEPS = ['mart', 'network', 'value', 'segments', 'offers', 'report'] as const;
export type Step = (typeof STEPS)[number];

export function catalog(out: string) {
  return {
    manifest: join(out, 'run.json'),
    quarantineDir: join(out, 'quarantine'),
    tmpDir: join(out, '.tmp'),
    /** Validated reference tables, so later steps re-run without the raw inputs. */
    accounts: join(out, 'intermediate', 'accounts.csv'),
    holdings: join(out, 'intermediate', 'active_holdings.csv'),
    products: join(out, 'intermediate', 'products.csv'),
    contacts: join(out, 'intermediate', 'contacts.csv'),
    mart: join(out, 'mart', 'employee_mart.csv'),
    dictionary: join(out, 'mart', 'feature_dictionary.csv'),
    edges: join(out, 'mart', 'call_edges.csv'),
    network: join(out, 'network', 'line_network.csv'),
    value: join(out, 'value', 'line_value.csv'),
    segments: join(out, 'segments', 'line_segments.csv'),
    clusterProfiles: join(out, 'segments', 'cluster_profiles.csv'),
    offers: join(out, 'offers', 'next_best_offers.csv'),
    propensities: join(out, 'offers', 'propensities.csv'),
    proposals: join(out, 'offers', 'account_proposals.csv'),
    report: join(out, 'report', 'index.html'),
  };
}

export type Catalog = ReturnType<typeof catalog>;
