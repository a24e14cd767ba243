/**
 * Named personas from ordered, configurable rules (config personas.rules): the first rule whose every
 * condition holds names the line; none gives default_persona. Rules are a map by rule name, so an
 * analyst changes, adds (before or after another) or removes one rule at a time (src/config.ts).
 */
export type Op = '>=' | '<=' | '>' | '<' | '==';
export const OPS: readonly Op[] = ['>=', '<=', '>', '<', '=='];

/** A rule matches when every condition holds. */
export interface PersonaRule {
  persona: string;
  description: string;
  when: Record<string, [Op, number]>;
}

const compare: Record<Op, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
};

export function persona(row: Record<string, unknown>, rules: readonly PersonaRule[], fallback: string): string {
  for (const rule of rules) {
    const hit = Object.entries(rule.when).every(([feature, [op, value]]) => compare[op](Number(row[feature]), value));
    if (hit) return rule.persona;
  }
  return fallback;
}

/** Features the rules read, to check them against the mart before any work. */
export function ruleFeatures(rules: readonly PersonaRule[]): string[] {
  return [...new Set(rules.flatMap((r) => Object.keys(r.when)))];
}
