/**
 * Warnings about a loaded file that let the run go on but must be seen: a file that lost a
 * large share of its rows to quarantine is more likely misexported than dirty, and its
 * results are thin. The runner prints the warning to stderr and keeps it in run.json and in
 * the report.
 */
import type { FileName } from './contract';
import type { FileCounts } from './load';

export interface QuarantineWarning {
  file: FileName;
  path: string | null;
  read: number;
  quarantined: number;
  /** quarantined / read, 0-1. */
  share: number;
  /** The most frequent reasons, most frequent first (a row may carry several). */
  reasons: { reason: string; count: number }[];
  /** The warning as one line, for stderr. */
  message: string;
}

export const QUARANTINE_WARNING_DEFAULTS = {
  /** Share of a file's rows in quarantine from which it is flagged. */
  threshold: 0.05,
  /** How many reasons the warning names. */
  top: 3,
};

/**
 * The warning for one file's counts when at least `threshold` of its rows were quarantined,
 * or undefined (also for a file with no rows read).
 */
export function quarantineWarning(counts: FileCounts, threshold = QUARANTINE_WARNING_DEFAULTS.threshold, top = QUARANTINE_WARNING_DEFAULTS.top): QuarantineWarning | undefined {
  if (counts.read === 0) return undefined;
  const share = counts.quarantined / counts.read;
  if (share < threshold) return undefined;
  const reasons = Object.entries(counts.reasons)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
    .slice(0, top);
  const percent = (share * 100).toFixed(share < 0.1 ? 1 : 0);
  const named = reasons.map((r) => `${r.reason} (${r.count.toLocaleString('en')})`).join(', ');
  const message =
    `segment-of-one/load: ${percent}% of ${counts.path ?? counts.file}'s rows are quarantined ` +
    `(${counts.quarantined.toLocaleString('en')} of ${counts.read.toLocaleString('en')})${named ? `, mostly ${named}` : ''}`;
  return { file: counts.file, path: counts.path, read: counts.read, quarantined: counts.quarantined, share, reasons, message };
}
