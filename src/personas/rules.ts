/**
 * Named personas from ordered, configurable rules (config personas.rules): the first rule whose every
 * condition holds names the line; none gives default_persona. Rules are a map by rule name, so an
 * analyst changes, adds (before or after another) or removes one rule at a time (src/config.ts).
 */
import { firstMatch, type Rule } from '../features/rules';

export interface PersonaRule extends Rule {
  persona: string;
}

export function persona(row: Record<string, unknown>, rules: Record<string, PersonaRule>, fallback: string): string {
  return firstMatch(row, rules)?.[1].persona ?? fallback;
}
