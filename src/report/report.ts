/**
 * The findings report: one self-contained HTML file (inline CSS and SVG, nothing fetched) for presenting
 * to an enterprise marketing team, and for print. It is composed of one section per step, in the
 * registry's order: the portfolio (key figures, a table with each step's columns, each step's charts),
 * then each account as one customer next to its lines, then data and method. People appear only as keyed
 * pseudonyms and in aggregates; every input string is escaped.
 */
import type { ReportSection, ReportView } from './view';
import { htmlTable } from './view';
import { escapeHtml as esc, PSEUDONYM_KEY_ENV } from './privacy';
import { plural } from '../util/text';
import { DEFAULT_PSEUDONYM_KEY } from '../config';

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto; max-width: 1040px; padding: 24px 32px; line-height: 1.45; }
h1 { font-size: 28px; margin-bottom: 4px; } h2 { font-size: 22px; margin-top: 8px; border-bottom: 2px solid #4e79a7; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; color: #4e79a7; }
.lead { color: #555; } .kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.kpi { background: #f3f6fa; border-radius: 6px; padding: 8px 14px; min-width: 130px; } .kpi b { display: block; font-size: 20px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 6px; text-align: left; vertical-align: top; } th { background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart figure h2 { font-size: 15px; border: none; margin: 0 0 6px; padding: 0; }
.chart { margin: 8px 0 16px; } .chart svg { max-width: 100%; height: auto; } .caption { font-size: 12px; color: #666; margin: 2px 0; }
section.account { page-break-before: always; break-before: page; margin-top: 40px; }
.note { font-size: 12px; color: #666; } nav a { margin-right: 10px; font-size: 13px; }
.warning { background: #fff4e5; border-left: 4px solid #f28e2b; padding: 6px 10px; }
@media print { body { padding: 0; max-width: none; } nav { display: none; } }
`;

/** The sections whose tables the run has. */
const present = (view: ReportView, all: readonly ReportSection[]) => all.filter((s) => s.needs.every((t) => view.tables[t] !== undefined));

/** One account as one customer next to its lines: the same block in the portfolio report and in its own. */
function accountBlock(view: ReportView, sections: readonly ReportSection[], id: string, heading: string): string {
  const a = view.info.get(id) ?? {};
  return `<section class="account" id="${esc(id)}">
<h2>${heading}</h2>
<p class="lead">${esc(a.industry ?? '')}${a.region ? ' · ' + esc(a.region) : ''} · ${view.byAccount.get(id)!.length} ${plural(view.byAccount.get(id)!.length, 'line')}</p>
${sections.map((s) => s.account?.(view, id) ?? '').filter(Boolean).join('\n')}
</section>`;
}

function methodBlock(view: ReportView, sections: readonly ReportSection[], withInputs: boolean): string {
  return `<section class="account"><h2>Data and method</h2>
${withInputs ? sections.map((s) => s.inputs?.(view) ?? '').filter(Boolean).join('\n') : ''}
${sections.map((s) => s.appendix?.(view) ?? '').filter(Boolean).join('\n')}
<p class="note">Money is in ${esc(view.params.currency)} per month. Employees appear only as keyed pseudonyms; no phone number of the input is shown.</p>
${view.key === DEFAULT_PSEUDONYM_KEY ? `<p class="warning">These pseudonyms are keyed with the project's default key, which anyone with the code has: whoever can guess a phone number can find its pseudonym. Set ${PSEUDONYM_KEY_ENV} (or pseudonym_key) for the engagement and run the report again before sharing it.</p>` : ''}
</section>`;
}

function page(title: string, parts: string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}

/**
 * The portfolio report: key figures, a table with every account, each step's charts; the featured accounts
 * (report.accounts, or the largest) each on a page of their own; data and method.
 */
export function buildReport(view: ReportView, all: readonly ReportSection[]): string {
  const sections = present(view, all);
  const { fmt } = view;
  const ids = view.accountIds;
  const featured = new Set(view.featured);
  const name = (id: string) => esc(view.names.get(id) ?? id);
  const events = view.inputs.find((f) => f.file === 'events');
  const columns = sections.flatMap((s) => s.overview ?? []);
  const overview = ids.map((id) => [
    featured.has(id) ? `<a href="#${esc(id)}">${name(id)}</a>` : name(id), esc(view.info.get(id)?.industry ?? ''),
    ...columns.map((c) => c.cell(view, id)),
  ]);
  const shownInFull = featured.size < ids.length ? ` The ${featured.size} ${view.params.accounts.length ? 'accounts named in report.accounts' : 'largest accounts'} are shown in full; every account is in the portfolio table.` : '';
  const parts: string[] = [];
  parts.push(`<h1>Segment of One: findings</h1>
<p class="lead">${fmt.int(ids.length)} enterprise ${plural(ids.length, 'account')}, ${fmt.int(view.lines.length)} ${plural(view.lines.length, 'line')}, ${fmt.int(events?.accepted ?? 0)} usage records over ${view.days} days. Each account is shown first as the one customer billing sees, then line by line.${shownInFull}</p>
<div class="kpis">${sections.flatMap((s) => s.kpis?.(view) ?? []).join('\n')}</div>
<nav>${view.featured.map((id) => `<a href="#${esc(id)}">${name(id)}</a>`).join(' ')}</nav>
<h2>Portfolio overview</h2>
${ids.length ? htmlTable(['Account', 'Industry', ...columns.map((c) => c.head)], overview, [false, false, ...columns.map((c) => Boolean(c.numeric))]) : ''}
${ids.length || !view.tables.mart ? sections.map((s) => s.portfolio?.(view) ?? '').filter(Boolean).join('\n') : '<p class="warning">No lines in scope: check mart.accounts and the quarantine.</p>'}`);
  for (const id of view.featured) parts.push(accountBlock(view, sections, id, name(id)));
  parts.push(methodBlock(view, sections, true));
  return page('Segment of One: findings', parts);
}

/**
 * A report for one customer: its key figures, its own account block and the method, from a view scoped to
 * it (buildView with that account). Nothing of another account appears: no portfolio table, no other name,
 * no portfolio-wide input counts.
 */
export function buildCustomerReport(view: ReportView, all: readonly ReportSection[], id: string): string {
  const sections = present(view, all);
  const name = esc(view.names.get(id) ?? id);
  return page(`Segment of One: ${view.names.get(id) ?? id}`, [
    `<h1>${name}: findings</h1>
<p class="lead">${view.fmt.int(view.byAccount.get(id)?.length ?? 0)} lines over ${view.days} days, first as the one customer billing sees, then line by line.</p>
<div class="kpis">${sections.flatMap((s) => s.kpis?.(view) ?? []).join('\n')}</div>`,
    accountBlock(view, sections, id, 'The account'),
    methodBlock(view, sections, false),
  ]);
}
