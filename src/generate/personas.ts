/**
 * Behaviour of the planted personas, per weekday unless said. The generator
 * draws each line's own parameters around these, so personas overlap as people do.
 */
export type Persona = 'executive' | 'international' | 'road_warrior' | 'office' | 'strict_business' | 'data_user' | 'light_user';

export interface PersonaProfile {
  voiceOut: number;
  smsOut: number;
  dataSessions: number;
  /** Median data volume of one session, kB. */
  sessionKb: number;
  internal: number;
  international: number;
  fixed: number;
  special: number;
  /** Relative call weight of each local hour 0..23. */
  hours: number[];
  weekend: number;
  /** Share of days spent abroad. */
  roaming: number;
  cells: [number, number];
  contacts: [number, number];
  /** Share of days the line is used at all. */
  activeDays: number;
  prepaid: number;
  handset: [number, number, number];
}

const h = (spec: [number, number, number][]): number[] => {
  const w = new Array(24).fill(0.02);
  for (const [from, to, weight] of spec) for (let i = from; i < to; i++) w[i] = weight;
  return w;
};

export const PROFILES: Record<Persona, PersonaProfile> = {
  executive: {
    voiceOut: 9, smsOut: 3, dataSessions: 8, sessionKb: 6000, internal: 0.3, international: 0.12, fixed: 0.15, special: 0.01,
    hours: h([[6, 8, 0.5], [8, 18, 1], [18, 23, 0.7], [23, 24, 0.2]]), weekend: 0.5, roaming: 0.28,
    cells: [6, 12], contacts: [50, 90], activeDays: 0.98, prepaid: 0, handset: [0, 0.1, 0.9],
  },
  international: {
    voiceOut: 8, smsOut: 2, dataSessions: 5, sessionKb: 3000, internal: 0.15, international: 0.6, fixed: 0.08, special: 0.01,
    hours: h([[5, 8, 0.8], [8, 17, 0.6], [17, 23, 0.9]]), weekend: 0.3, roaming: 0.05,
    cells: [2, 5], contacts: [30, 60], activeDays: 0.95, prepaid: 0.05, handset: [0.1, 0.5, 0.4],
  },
  road_warrior: {
    voiceOut: 14, smsOut: 4, dataSessions: 7, sessionKb: 4000, internal: 0.12, international: 0.02, fixed: 0.25, special: 0.02,
    hours: h([[7, 9, 0.6], [9, 18, 1], [18, 20, 0.4]]), weekend: 0.15, roaming: 0.01,
    cells: [35, 80], contacts: [150, 300], activeDays: 0.93, prepaid: 0.03, handset: [0.1, 0.6, 0.3],
  },
  office: {
    voiceOut: 6, smsOut: 2, dataSessions: 4, sessionKb: 2000, internal: 0.65, international: 0.02, fixed: 0.1, special: 0.01,
    hours: h([[8, 12, 1], [12, 13, 0.4], [13, 18, 1]]), weekend: 0.05, roaming: 0.005,
    cells: [2, 3], contacts: [15, 30], activeDays: 0.9, prepaid: 0.05, handset: [0.3, 0.6, 0.1],
  },
  strict_business: {
    voiceOut: 5, smsOut: 1, dataSessions: 3, sessionKb: 1500, internal: 0.3, international: 0.03, fixed: 0.25, special: 0.01,
    hours: h([[9, 12, 1], [12, 13, 0.5], [13, 17, 1]]).map((w, i) => (i >= 9 && i < 17 ? w : 0.001)), weekend: 0, roaming: 0,
    cells: [2, 3], contacts: [30, 60], activeDays: 0.9, prepaid: 0.02, handset: [0.3, 0.6, 0.1],
  },
  data_user: {
    voiceOut: 0.6, smsOut: 0.5, dataSessions: 20, sessionKb: 9000, internal: 0.3, international: 0.02, fixed: 0.1, special: 0.01,
    hours: h([[7, 23, 1]]), weekend: 0.7, roaming: 0.02,
    cells: [4, 10], contacts: [5, 15], activeDays: 0.95, prepaid: 0.4, handset: [0.2, 0.5, 0.3],
  },
  light_user: {
    voiceOut: 1.5, smsOut: 0.5, dataSessions: 1, sessionKb: 500, internal: 0.35, international: 0.02, fixed: 0.15, special: 0.02,
    hours: h([[8, 20, 1]]), weekend: 0.3, roaming: 0,
    cells: [1, 3], contacts: [5, 12], activeDays: 0.12, prepaid: 0.5, handset: [0.7, 0.3, 0],
  },
};

export const PERSONAS = Object.keys(PROFILES) as Persona[];

/** Persona mix by industry: the weights of PERSONAS, in order. */
export const INDUSTRIES: { industry: string; mix: number[]; names: string[] }[] = [
  { industry: 'export-import', mix: [2, 5, 2, 3, 1, 0.5, 0.5], names: ['Hanse Trade Partners', 'Baltic Import Export', 'Orient Goods Handel'] },
  { industry: 'logistics', mix: [1, 1, 3, 3, 1, 2, 1.5], names: ['Nordhafen Logistik', 'Rhein Freight Services', 'Alpen Cargo'] },
  { industry: 'consulting', mix: [3, 1, 3, 2, 1, 0.5, 0.3], names: ['Brandt & Keller Consulting', 'Meridian Advisory', 'Vector Strategy Partners'] },
  { industry: 'construction', mix: [1, 0.3, 3, 2, 1, 1, 2], names: ['Bauwerk Süd', 'Steinbach Bau', 'Kranich Hoch- und Tiefbau'] },
  { industry: 'pharma', mix: [2, 2, 2, 3, 2, 1, 0.5], names: ['Helix Pharma', 'Medivita Labs'] },
  { industry: 'software', mix: [1, 1, 1, 3, 1, 3, 0.5], names: ['Codewerk Systems', 'Blue Lattice Software'] },
  { industry: 'retail', mix: [0.5, 0.3, 2, 4, 2, 1, 2], names: ['Marktplatz Filialen', 'Frischkauf Retail'] },
  { industry: 'law', mix: [2, 1, 0.5, 3, 4, 0.3, 0.3], names: ['Weber Lorenz Rechtsanwälte', 'Falk & Partner Legal'] },
  { industry: 'engineering', mix: [1, 1.5, 2, 3, 2, 1, 0.5], names: ['Kessler Maschinenbau', 'Turbina Engineering'] },
  { industry: 'media', mix: [1.5, 1, 1, 2, 0.5, 2, 1], names: ['Nordlicht Media', 'Studio Kompass'] },
];

export const REGIONS = [
  { region: 'Hamburg', lat: 53.55, lon: 9.99 },
  { region: 'Berlin', lat: 52.52, lon: 13.4 },
  { region: 'Munich', lat: 48.14, lon: 11.58 },
  { region: 'Frankfurt', lat: 50.11, lon: 8.68 },
  { region: 'Cologne', lat: 50.94, lon: 6.96 },
  { region: 'Stuttgart', lat: 48.78, lon: 9.18 },
];

/** Countries called or visited, with the UTC offset of their local time in March. */
export const COUNTRIES: { code: string; prefix: string; offset: string }[] = [
  { code: 'US', prefix: '+1212', offset: '-05:00' },
  { code: 'GB', prefix: '+4420', offset: '+00:00' },
  { code: 'FR', prefix: '+331', offset: '+01:00' },
  { code: 'CN', prefix: '+8621', offset: '+08:00' },
  { code: 'TR', prefix: '+90212', offset: '+03:00' },
  { code: 'IN', prefix: '+9122', offset: '+05:30' },
  { code: 'AE', prefix: '+9714', offset: '+04:00' },
  { code: 'PL', prefix: '+4822', offset: '+01:00' },
  { code: 'BR', prefix: '+5511', offset: '-03:00' },
  { code: 'JP', prefix: '+813', offset: '+09:00' },
];

/**
 * Where staff spend holidays (the noisy scenarios): near, sunny, one time zone off at most mostly.
 * Separate from COUNTRIES so the default pilot's draws stay as they were.
 */
export const HOLIDAY_COUNTRIES: { code: string; offset: string }[] = [
  { code: 'ES', offset: '+01:00' },
  { code: 'IT', offset: '+01:00' },
  { code: 'AT', offset: '+01:00' },
  { code: 'HR', offset: '+01:00' },
  { code: 'FR', offset: '+01:00' },
  { code: 'GR', offset: '+02:00' },
  { code: 'TR', offset: '+03:00' },
  { code: 'GB', offset: '+00:00' },
];

/** Countries where staff have family and friends they call privately (prefixes are in COUNTRIES). */
export const PRIVATE_COUNTRIES = ['TR', 'PL', 'GB', 'FR', 'IN', 'BR'];
