/** Words for the counts that logs, errors and reports print. */

/** `noun` when there is exactly one, else its plural in -s: "1 account", "0 accounts", "2 accounts". */
export function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}
