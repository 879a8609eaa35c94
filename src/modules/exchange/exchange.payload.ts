import type { Context } from '../../context';
import { Exchange } from './exchange.entity';

/** The exchange a changed row belongs to, as it is now (new version), for the mutation payload; null when nothing changed. */
export function exchangeOf(ctx: Context, row: { exchangeId: number } | null): Promise<Exchange | null> | null {
  return row ? ctx.em.findOne(Exchange, { id: row.exchangeId }) : null;
}
