/**
 * The propensity model of each product (model.ts) as one task over worker threads (util/workers.ts): a product's
 * fit depends only on the design, the ties, the holdings and the seed, so the scores are the same for any number
 * of workers. What every task reads is sent once per worker; each task builds its own product's columns. This
 * module loads no arquero (worker threads load only what a task needs).
 */
import type { ColumnTable } from 'arquero';
import { accountShares, neighbourShares, productModel, type Design, type Holdings, type ModelOptions, type ProductExtra, type ProductModel, type TieIndex } from './model';
import type { Product } from './products';

export interface PropensityShared {
  design: Design;
  ties: TieIndex;
  holdings: Holdings;
  /** Per learnable product, 1 for the lines that hold it: the other products held, as features. */
  held: [string, number[]][];
  windowEnd: string;
  options: ModelOptions;
}

/** What one product adds to the shared design: colleagues and the account's lines that hold it, the other products held. */
function productExtra(productId: string, shared: PropensityShared): ProductExtra {
  const { design, ties, holdings } = shared;
  const owners = holdings.holders.get(productId) ?? new Set<string>();
  return {
    neighbour: neighbourShares(ties, owners),
    account: accountShares(design.lineIds, design.accountIds, owners),
    held: shared.held.filter(([p]) => p !== productId),
    sharesAt: (then) => ({ neighbour: neighbourShares(ties, then), account: accountShares(design.lineIds, design.accountIds, then) }),
  };
}

/** One product's model, and the neighbour shares its reasons quote. `mart` only for a product ranked by its rule. */
export function fitProduct(task: { product: Product }, shared: PropensityShared, mart?: ColumnTable): { model: ProductModel; neighbour: number[] } {
  const extra = productExtra(task.product.product_id, shared);
  return { model: productModel(task.product, shared.design, extra, mart, shared.holdings, shared.windowEnd, shared.options), neighbour: extra.neighbour };
}
