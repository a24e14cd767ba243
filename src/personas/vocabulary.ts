/**
 * The personas the workspace names, in the order charts and tables list them: the mission's
 * behavioural kinds, then `mixed` for lines that fit none. The generator plants the same kinds.
 */
export const BEHAVIOURAL_PERSONAS = ['executive', 'international', 'road_warrior', 'office', 'strict_business', 'data_user', 'light_user'] as const;
export type BehaviouralPersona = (typeof BEHAVIOURAL_PERSONAS)[number];

export const MIXED = 'mixed';
export const PERSONAS: readonly string[] = [...BEHAVIOURAL_PERSONAS, MIXED];
