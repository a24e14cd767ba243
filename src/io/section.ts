/** The load's part of the report: what came in, what was accepted and what was quarantined. */
import type { ReportSection } from '../report/view';
import { htmlTable } from '../report/view';
import { escapeHtml as esc } from '../report/privacy';

export const section: ReportSection = {
  needs: ['load_summary'],
  inputs: (view) => `${view.inputs.filter((f) => f.warning).map((f) => `<p class="warning">${esc(f.warning)}</p>`).join('\n')}
${htmlTable(['Input', 'Rows read', 'Accepted', 'Quarantined'],
    view.inputs.filter((f) => f.format !== 'absent').map((f) => [esc(f.file), view.fmt.int(f.read), view.fmt.int(f.accepted), view.fmt.int(f.quarantined)]), [false, true, true, true])}`,
};
