/**
 * Who may be offered what (docs/methods.md). A line must be active and not hold
 * the product; business add-ons are billed to the employer, so postpaid only;
 * a handset lease is for lines without a high-tier phone and not for routers;
 * extra data is pointless on a feature phone.
 */
export interface EligibilityLine {
  status: string;
  payment_type: string;
  handset_tier: string;
  device_type: string;
}

const POSTPAID_ONLY = new Set(['ROAM_PACK', 'INTL_PACK', 'DEVICE_UPGRADE', 'FLEET_VPN', 'MOBILE_SECURITY', 'DATA_XL']);

export function eligible(line: EligibilityLine, productId: string, audience: string, holds: boolean): boolean {
  if (holds || line.status !== 'active') return false;
  if (audience === 'business' && POSTPAID_ONLY.has(productId) && line.payment_type !== 'postpaid') return false;
  if (productId === 'DEVICE_UPGRADE' && (line.handset_tier === 'high' || line.device_type === 'router')) return false;
  if (productId === 'DATA_XL' && line.device_type === 'feature') return false;
  return true;
}
