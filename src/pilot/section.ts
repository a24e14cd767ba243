/** The pilot in the report: the accounts and campaigns, groups, power and balance; never a line id. */
import type { ReportSection } from '../report/view';
import { htmlTable } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';
import { plural } from '../util/text';

type Row = Record<string, unknown>;
/** An empty cell of the design: no uplift is detectable with these group sizes. */
const none = (v: unknown) => v === null || v === undefined;
const pts = (v: unknown) => (none(v) ? 'not detectable' : `${(Number(v) * 100).toFixed(1)} pts`);

/** A campaign that cannot see an uplift below this share of its base rate is flagged before it runs. */
const WEAK_RELATIVE_MDE = 0.5;

/**
 * Campaigns that could only detect an uplift of half their base rate or more: a null result there means
 * "too few units to tell", and a consultant should say so before the pilot runs, not after.
 */
function underpowered(design: readonly Row[]): string {
  const weak = design.filter((d) => none(d.mde_relative) || Number(d.mde_relative) >= WEAK_RELATIVE_MDE);
  if (!weak.length) return '';
  const one = weak.length === 1;
  const names = weak.map((d) => `${esc(d.name)} (${none(d.mde_relative) ? 'none detectable' : `+${Math.round(Number(d.mde_relative) * 100)}%`})`).join(', ');
  return `<p class="warning">${weak.length} ${plural(weak.length, 'campaign')} can only detect an uplift of at least half ${one ? 'its' : 'their'} base rate: ${names}. A smaller effect would go unseen, so a result of no effect there means too few units to tell. Enlarge ${one ? 'it' : 'them'} (more accounts or lines), run longer, or read ${one ? 'it' : 'them'} as directional only.</p>`;
}

export const section: ReportSection = {
  needs: ['pilot_design'],
  portfolio(view) {
    const design = (view.table('pilot_design')?.objects() ?? []) as Row[];
    const campaigns = new Map(((view.table('pilot_campaigns')?.objects() ?? []) as Row[]).map((c) => [String(c.campaign_id), c]));
    const balance = (view.table('pilot_balance')?.objects() ?? []) as Row[];
    const imbalanced = balance.filter((b) => b.imbalanced === true);
    const first = campaigns.values().next().value;
    return `<h3>The pilot</h3>
<p>${design.length} ${plural(design.length, 'campaign')}${first ? `, from ${esc(first.start_date)} to ${esc(first.end_date)}` : ''}; each holds out a control group drawn at random within strata, so what changes is measured against what would have happened anyway.</p>
${htmlTable(['Campaign', 'Randomised by', 'Treated', 'Control', 'Expected base rate', 'Smallest detectable uplift', 'Relative to the base rate'], design.map((d) => [
      esc(d.name), esc(d.randomised_by), Number(d.treatment_units), Number(d.control_units), view.fmt.pct(Number(d.base_rate)), pts(d.mde),
      none(d.mde_relative) ? '' : view.fmt.pct(Number(d.mde_relative)),
    ]), [false, false, true, true, true, true, true])}
${underpowered(design)}
<p class="note">Smallest uplift detectable with ${Math.round(Number(design[0]?.power ?? 0.8) * 100)}% power at ${Math.round(Number(design[0]?.alpha ?? 0.05) * 100)}% two-sided with these group sizes. ${imbalanced.length ? `${imbalanced.length} feature${imbalanced.length > 1 ? 's are' : ' is'} imbalanced between groups (|standardised difference| above 0.1): ${imbalanced.slice(0, 6).map((b) => `${esc(b.campaign_id)} ${esc(b.feature)}`).join(', ')}${imbalanced.length > 6 ? ` and ${imbalanced.length - 6} more (pilot/balance.csv)` : ''}.` : 'Every key feature is balanced between groups (|standardised difference| at most 0.1).'} The campaign lists with line ids are internal files for the operator's campaign tool, not part of this report.</p>`;
  },
};
