/**
 * Ordered rules over named features, as analysts write them in the config: a rule matches when every
 * condition `feature: [op, value]` holds; the first rule that matches wins. Personas name lines with
 * them and the account step chooses service channels with them.
 */
export type Op = '>=' | '<=' | '>' | '<' | '==';
export const OPS: readonly Op[] = ['>=', '<=', '>', '<', '=='];

export type Conditions = Record<string, [Op, number]>;

export interface Rule {
  description: string;
  when: Conditions;
}

const compare: Record<Op, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
};

export function matches(row: Record<string, unknown>, when: Conditions): boolean {
  return Object.entries(when).every(([feature, [op, value]]) => compare[op](Number(row[feature]), value));
}

/** The first rule whose every condition holds, with its name. */
export function firstMatch<R extends Rule>(row: Record<string, unknown>, rules: Record<string, R>): [string, R] | undefined {
  for (const [name, rule] of Object.entries(rules)) if (matches(row, rule.when)) return [name, rule];
  return undefined;
}

/** Features the rules read, to check them before any work. */
export function ruleFeatures(rules: readonly Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => Object.keys(r.when)))];
}

/** Checks every condition of a map of rules, naming the bad one (`<key>.<rule>.when.<feature>`). */
export function checkRules(rules: Record<string, Rule>, key: string, check: (ok: boolean, key: string, message: string) => void): void {
  for (const [name, rule] of Object.entries(rules)) {
    for (const [feature, cond] of Object.entries(rule.when)) {
      check(Array.isArray(cond) && cond.length === 2 && OPS.includes(cond[0]) && typeof cond[1] === 'number', `${key}.${name}.when.${feature}`, `must be [op, number] with op one of ${OPS.join(' ')}`);
    }
  }
}
