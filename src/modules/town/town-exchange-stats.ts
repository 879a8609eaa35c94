import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { perRequest } from '../../loaders';
import { groupBy } from '../../lib/group-by';
import { placeholders } from '../../lib/sql';
import { ExchangeStatus } from '../exchange/exchange.entity';
import { Town } from './town.entity';

@ObjectType({ description: 'How many exchanges of a town are in one status.' })
export class ExchangeStatusCount {
  @Field(() => ExchangeStatus, { description: 'The status.' })
  status!: ExchangeStatus;

  @Field(() => Int, { description: 'Exchanges in it (≥ 1).' })
  count!: number;
}

@ObjectType({ description: 'How many exchanges of a town fall in one year.' })
export class ExchangeYearCount {
  @Field(() => Int, { description: 'The year: of the first visit\'s start, or of the exchange\'s creation (UTC) if it has no visit.' })
  year!: number;

  @Field(() => Int, { description: 'Exchanges in it (≥ 1).' })
  count!: number;
}

@ObjectType({ description: 'How many exchanges of a town are in one status and fall in one year.' })
export class ExchangeYearStatusCount {
  @Field(() => Int, { description: 'The year: of the first visit\'s start, or of the exchange\'s creation (UTC) if it has no visit.' })
  year!: number;

  @Field(() => ExchangeStatus, { description: 'The status.' })
  status!: ExchangeStatus;

  @Field(() => Int, { description: 'Exchanges (≥ 1).' })
  count!: number;
}

@ObjectType({
  description:
    'Public counts of the exchanges with a class of a school in a town (an exchange with several schools in the town counts once), by status and year. ' +
    'DRAFT exchanges are not counted: until proposed they are private to the people of their schools. No personal data.',
})
export class TownExchangeStats {
  @Field(() => Int, { description: 'Exchanges counted, in every status but DRAFT.' })
  total!: number;

  @Field(() => [ExchangeStatusCount], { description: 'By status, in lifecycle order; statuses without exchanges are left out.' })
  byStatus!: ExchangeStatusCount[];

  @Field(() => [ExchangeYearCount], { description: 'By year, newest first; years without exchanges are left out.' })
  byYear!: ExchangeYearCount[];

  @Field(() => [ExchangeYearStatusCount], { description: 'By year (newest first) and status (in lifecycle order); empty cells are left out.' })
  byYearAndStatus!: ExchangeYearStatusCount[];
}

const STATUS_ORDER: readonly ExchangeStatus[] = Object.values(ExchangeStatus);

/**
 * Exchange counts of many towns in one statement: per town, status and
 * year (of the first visit's start, else of creation in UTC), counting each
 * exchange once per town however many of its schools are there.
 */
export async function exchangeStatsOfTowns(em: EntityManager, townIds: readonly number[]): Promise<TownExchangeStats[]> {
  const ids = [...new Set(townIds)];
  const rows = await em.getConnection().execute<{ town_id: number; status: ExchangeStatus; year: number; n: number }[]>(
    `select s.town_id, e.status,
            extract(year from coalesce((select min(v.starts_on) from visit v where v.exchange_id = e.id), (e.created_at at time zone 'UTC')::date))::int as year,
            count(distinct e.id)::int as n
     from exchange e
     join exchange_class c on c.exchange_id = e.id
     join school s on s.id = c.school_id
     where s.town_id in (${placeholders(ids)}) and e.status <> ?
     group by 1, 2, 3`,
    [...ids, ExchangeStatus.DRAFT],
    'all',
    em.getTransactionContext(),
  );
  const byTown = groupBy(rows, (r) => Number(r.town_id));
  return townIds.map((id) => {
    const cells = (byTown.get(id) ?? [])
      .map((r) => ({ year: Number(r.year), status: r.status, count: Number(r.n) }))
      .sort((a, b) => b.year - a.year || STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
    const sum = <K>(key: (c: (typeof cells)[number]) => K) => [...groupBy(cells, key, (c) => c.count)].map(([k, counts]) => [k, counts.reduce((a, b) => a + b, 0)] as const);
    return {
      total: cells.reduce((a, c) => a + c.count, 0),
      byStatus: sum((c) => c.status)
        .map(([status, count]) => ({ status, count }))
        .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)),
      byYear: sum((c) => c.year).map(([year, count]) => ({ year, count })),
      byYearAndStatus: cells,
    };
  });
}

const statsLoader = perRequest((ctx: Context) => new DataLoader<number, TownExchangeStats>((ids) => exchangeStatsOfTowns(ctx.em, ids)));

@Resolver(() => Town)
export class TownExchangeStatsResolver {
  @FieldResolver(() => TownExchangeStats, {
    description:
      'Counts of the exchanges with a class of a school in this town, by status and year (public; DRAFT exchanges are not counted). ' +
      'The year is that of the first visit\'s start, or of the exchange\'s creation if it has no visit yet.',
  })
  exchangeStats(@Root() town: Town, @Ctx() ctx: Context) {
    return statsLoader(ctx).load(town.id);
  }
}
