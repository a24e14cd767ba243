/**
 * The propensity model of each product (model.ts) as one task over worker threads (util/workers.ts): a product's
 * fit depends only on the design, the ties, the holdings and the seed, so the scores are the same for any number
 * of workers. What every task reads is sent once per worker; each task carries its own product's holdings and
 * builds its own product's columns. This module loads no arquero (worker threads load only what a task needs).
 */
import type { ColumnTable } from 'arquero';
import { accountShares, accountSlots, holdersOf, holdsOf, neighbourShares, productModel, type Design, type Holdings, type ModelOptions, type ProductExtra, type ProductModel, type Spell, type TieIndex } from './model';
import type { Product } from './products';

export interface PropensityShared {
  design: Design;
  ties: TieIndex;
  /** The day the holdings are known to (Holdings.knownTo). */
  knownTo: string;
  /** Per learnable product, 1 for the lines that hold it: the other products held, as features. */
  held: [string, Uint8Array][];
  windowEnd: string;
  options: ModelOptions;
}

/**
 * One product to fit, with its own holdings: a task carries them, so a worker holds those of the products it fits,
 * not every product's (at x100 each worker held all 254k holdings and 672k spells).
 */
export interface ProductTask {
  product: Product;
  holders: Set<string>;
  spells: Map<string, Spell[]>;
}

export function productTask(product: Product, holdings: Holdings): ProductTask {
  return { product, holders: holdersOf(holdings, product.product_id), spells: holdings.spells.get(product.product_id) ?? new Map() };
}

/** What one product adds to the shared design: colleagues and the account's lines that hold it, the other products held. */
function productExtra(task: ProductTask, shared: PropensityShared): ProductExtra {
  const { design, ties } = shared;
  const holds = holdsOf(design.lineIds, task.holders);
  const accounts = accountSlots(design.accountIds);
  return {
    neighbour: neighbourShares(ties, holds),
    account: accountShares(accounts, holds),
    held: shared.held.filter(([p]) => p !== task.product.product_id),
    sharesAt: (then) => ({ neighbour: neighbourShares(ties, then), account: accountShares(accounts, then) }),
  };
}

/** One product's model, and the neighbour shares its reasons quote. `mart` only for a product ranked by its rule. */
export function fitProduct(task: ProductTask, shared: PropensityShared, mart?: ColumnTable): { model: ProductModel; neighbour: Float64Array } {
  const id = task.product.product_id;
  const holdings: Holdings = { holders: new Map([[id, task.holders]]), spells: new Map([[id, task.spells]]), knownTo: shared.knownTo };
  const extra = productExtra(task, shared);
  return { model: productModel(task.product, shared.design, extra, mart, holdings, shared.windowEnd, shared.options), neighbour: extra.neighbour };
}
