import type { Conditions } from '../features/rules';

/**
 * The default offer catalog, used when a pilot has no products file. Prices are
 * monthly, in the account currency; margin_rate is the share of the price that is margin.
 */
export interface Product {
  product_id: string;
  name: string;
  audience: 'business' | 'personal';
  monthly_price: number;
  margin_rate: number;
  description: string;
}

/**
 * What a product is for, in mart features: when too few lines hold a product to learn from, the rule ranks
 * lines by these drivers (standardised, averaged; a leading '-' inverts one), and `needs` keeps the product
 * from lines that show no use for it at all (no roaming pack for a line that never roams).
 */
export interface ProductAffinity {
  product_id: string;
  drivers: string[];
  needs?: Conditions;
}

export const DEFAULT_PRODUCTS: Product[] = [
  { product_id: 'ROAM_PACK', name: 'Business roaming pack', audience: 'business', monthly_price: 15, margin_rate: 0.6, description: 'Calls and data abroad at home rates' },
  { product_id: 'INTL_PACK', name: 'International minutes', audience: 'business', monthly_price: 10, margin_rate: 0.55, description: '300 minutes to 50 countries' },
  { product_id: 'DATA_XL', name: 'Extra data 50 GB', audience: 'business', monthly_price: 12, margin_rate: 0.5, description: 'More mobile data for the business line' },
  { product_id: 'FLEET_VPN', name: 'Company closed user group', audience: 'business', monthly_price: 5, margin_rate: 0.7, description: 'Free calls between colleagues' },
  { product_id: 'DEVICE_UPGRADE', name: 'Premium handset lease', audience: 'business', monthly_price: 30, margin_rate: 0.2, description: 'Top-tier smartphone on a 24-month lease' },
  { product_id: 'MOBILE_SECURITY', name: 'Mobile security suite', audience: 'business', monthly_price: 8, margin_rate: 0.7, description: 'Device management and threat protection' },
  { product_id: 'PERSONAL_LINE', name: 'Personal line for employees', audience: 'personal', monthly_price: 20, margin_rate: 0.4, description: 'A private consumer line at an employee discount' },
  { product_id: 'FAMILY_BUNDLE', name: 'Family add-on', audience: 'personal', monthly_price: 15, margin_rate: 0.45, description: 'Up to three family SIMs sharing one allowance' },
  { product_id: 'HOME_FIBER', name: 'Home fibre broadband', audience: 'personal', monthly_price: 35, margin_rate: 0.35, description: 'Fibre at home for employees' },
  { product_id: 'TRAVEL_PASS', name: 'Personal travel pass', audience: 'personal', monthly_price: 8, margin_rate: 0.6, description: 'Holiday roaming for the employee and family' },
];

export const PRODUCT_AFFINITY: ProductAffinity[] = [
  { product_id: 'ROAM_PACK', drivers: ['roaming_days_with_colleagues', 'roaming_days'], needs: { roaming_days: ['>', 0] } },
  { product_id: 'INTL_PACK', drivers: ['international_business_share'], needs: { international_share: ['>', 0] } },
  { product_id: 'DATA_XL', drivers: ['data_mb_per_active_day'], needs: { data_mb: ['>', 0] } },
  { product_id: 'FLEET_VPN', drivers: ['own_internal_share'], needs: { internal_share: ['>', 0] } },
  { product_id: 'DEVICE_UPGRADE', drivers: ['distinct_cells', 'voice_out_per_active_day'] },
  { product_id: 'MOBILE_SECURITY', drivers: ['data_mb_per_active_day', 'roaming_days'] },
  { product_id: 'PERSONAL_LINE', drivers: ['own_off_hours_share', 'international_private_share'] },
  { product_id: 'FAMILY_BUNDLE', drivers: ['weekend_share'] },
  { product_id: 'HOME_FIBER', drivers: ['data_mb_per_active_day', 'evening_night_share'] },
  { product_id: 'TRAVEL_PASS', drivers: ['roaming_days', 'weekend_share'], needs: { roaming_days: ['>', 0] } },
];
