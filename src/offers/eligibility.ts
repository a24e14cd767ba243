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

export function eligible(line: EligibilityLine, productId: string, audience: string, holds: boolean): boolean {
  if (holds || line.status !== 'active') return false;
  // Every business add-on is billed to the employer on the line's invoice: a prepaid line has none.
  if (audience === 'business' && line.payment_type !== 'postpaid') return false;
  if (productId === 'DEVICE_UPGRADE' && (line.handset_tier === 'high' || line.device_type === 'router')) return false;
  if (productId === 'DATA_XL' && line.device_type === 'feature') return false;
  return true;
}
