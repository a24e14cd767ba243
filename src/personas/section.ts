/** The personas' part of the report: the mix per account, and per account who is who. */
import type { ColumnTable } from 'arquero';
import { PERSONAS } from './vocabulary';
import type { ReportSection } from '../report/view';
import { figure, htmlTable, words } from '../report/view';
import { personaMixChart } from '../charts/charts';

export const section: ReportSection = {
  needs: ['personas'],
  overview: [{
    head: 'Main persona',
    cell(view, id) {
      const ls = view.byAccount.get(id)!;
      const counts = new Map<string, number>();
      for (const r of ls) counts.set(r.persona as string, (counts.get(r.persona as string) ?? 0) + 1);
      const [top, n] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      return `${words(top)} (${view.fmt.pct(n / ls.length)})`;
    },
  }],
  portfolio(view) {
    return figure(view.chart('persona-mix', personaMixChart, view.featuredTable('personas') as ColumnTable, { accountNames: view.names, title: 'Persona mix per account' }), 'Share of each account\'s lines in each behavioural persona.');
  },
  account(view, id) {
    const ls = view.byAccount.get(id)!;
    const spend = ls.reduce((s, r) => s + Number(r.current_value ?? 0), 0);
    const rows = [...PERSONAS, ...new Set(ls.map((r) => r.persona as string))]
      .filter((p, i, all) => all.indexOf(p) === i)
      .map((p) => {
        const members = ls.filter((r) => r.persona === p);
        if (!members.length) return undefined;
        const pspend = members.reduce((s, r) => s + Number(r.current_value ?? 0), 0);
        return [words(p), members.length, view.fmt.pct(members.length / ls.length), view.fmt.money(pspend), view.fmt.pct(spend ? pspend / spend : 0)];
      })
      .filter((r): r is (string | number)[] => Boolean(r));
    return `<h3>Who is who</h3>
${htmlTable(['Persona', 'Lines', 'Share', 'Spend / month', 'Share of spend'], rows, [false, true, true, true, true])}`;
  },
};
