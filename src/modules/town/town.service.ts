import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { escapeLike, foldName } from '../../lib/text';
import { filterCountry, nearSql } from '../common/filters';
import {
  fetchNestedPages,
  fetchPage,
  ordering,
  SortDirection,
  type ListSql,
  type PageArgs,
  type SortColumn,
} from '../common/pagination';
import { TwinLinkStatus } from '../twin-link/twin-link.entity';
import { Town } from './town.entity';
import { TownOrderField, type TownFilter, type TownOrder } from './town.inputs';

const TOWN_COLUMNS: Record<TownOrderField, SortColumn> = {
  NAME: { sql: 't.name', type: 'string' },
  POPULATION: { sql: 't.population', type: 'number' },
};

function townOrdering(order: TownOrder | null | undefined) {
  return order
    ? ordering(TOWN_COLUMNS, order.field, order.direction)
    : ordering(TOWN_COLUMNS, TownOrderField.POPULATION, SortDirection.DESC);
}

/** WHERE fragments for a town filter on alias t. */
function townWhere(filter: TownFilter | null | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter) return { where, params };
  if (filter.country != null) {
    where.push('t.country = ?');
    params.push(filterCountry(filter.country, 'filter.country'));
  }
  if (filter.nameSearch != null) {
    const folded = foldName(filter.nameSearch);
    if (folded.length === 0 || filter.nameSearch.length > 100) {
      throw new BadUserInputError('filter.nameSearch must have 1–100 characters with at least one letter or digit.', {
        argument: 'filter.nameSearch',
      });
    }
    where.push(`t.search_name like ? escape '\\'`);
    params.push(`${escapeLike(folded)}%`);
  }
  if (filter.populationMin != null && filter.populationMax != null && filter.populationMin > filter.populationMax) {
    throw new BadUserInputError('filter.populationMin must not exceed filter.populationMax.', { argument: 'filter.populationMin' });
  }
  if (filter.populationMin != null) {
    where.push('t.population >= ?');
    params.push(filter.populationMin);
  }
  if (filter.populationMax != null) {
    where.push('t.population <= ?');
    params.push(filter.populationMax);
  }
  if (filter.near) {
    const near = nearSql(filter.near, 't.latitude', 't.longitude', 'filter.near');
    where.push(...near.sql);
    params.push(...near.params);
  }
  return { where, params };
}

export class TownService {
  constructor(private readonly em: EntityManager) {}

  list(args: PageArgs, filter?: TownFilter | null, order?: TownOrder | null) {
    const { where, params } = townWhere(filter);
    const list: ListSql = { entity: Town, select: 't.*', from: 'town t', idColumn: 't.id', where, params };
    return fetchPage<Town>(this.em, list, townOrdering(order), args);
  }

  /** Twin towns of many towns at once, over links that have not ended. */
  twinsOf(townIds: readonly number[], args: PageArgs, filter?: TownFilter | null, order?: TownOrder | null) {
    const { where, params } = townWhere(filter);
    const list: ListSql = {
      entity: Town,
      select: 't.*',
      from: 'twin_edge e join town t on t.id = e.other_town_id',
      idColumn: 't.id',
      where: [`e.status <> '${TwinLinkStatus.ENDED}'`, ...where],
      params,
    };
    return fetchNestedPages<Town>(this.em, list, 'e.town_id', townIds, townOrdering(order), args);
  }
}
