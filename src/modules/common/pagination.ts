import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass } from '@mikro-orm/core';
import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BadUserInputError } from '../../lib/errors';
import { executePrepared } from '../../lib/prepared';
import { placeholders } from '../../lib/sql';
import { groupBy } from '../../lib/group-by';
import { mapRow } from './row-mapper';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection', description: 'Sort order.' });

/** Relay pagination arguments shared by every connection. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Return the first N items after \`after\` (0–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor: return items after this one.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Return the last N items before \`before\` (0–${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor: return items before this one.' })
  before?: string | null;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow the last edge.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'More items precede the first edge.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge, null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge, null when the page is empty.' })
  endCursor!: string | null;
}

/** A sortable column: its SQL expression and how cursor values are typed ('number': an integer column). */
export type SortColumn = { sql: string; type: 'number' | 'string' };

type CursorPayload = [order: string, value: string | number, id: number];

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, orderKey: string, column: SortColumn): { value: string | number; id: number } {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError('Invalid cursor.', { argument: 'after/before' });
  }
  // Numbers are bound as parameters of integer columns (ids, counts): anything else is no cursor of ours.
  const int32 = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1;
  if (
    !Array.isArray(payload) ||
    payload.length !== 3 ||
    !int32(payload[2]) ||
    typeof payload[1] !== column.type ||
    (column.type === 'number' && !int32(payload[1]))
  ) {
    throw new BadUserInputError('Invalid cursor.', { argument: 'after/before' });
  }
  if (payload[0] !== orderKey) {
    throw new BadUserInputError('This cursor belongs to another sort order; start again without a cursor.', {
      argument: 'after/before',
    });
  }
  return { value: payload[1] as string | number, id: payload[2] };
}

export type PageRequest = {
  limit: number;
  backward: boolean;
  after: string | null;
  before: string | null;
};

/** Checks first/last against the limits; BAD_USER_INPUT otherwise. */
export function pageRequest(args: PageArgs): PageRequest {
  const { first, last } = args;
  if (first != null && last != null) throw new BadUserInputError('Pass either `first` or `last`, not both.');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new BadUserInputError(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}.`, { argument: name });
    }
  }
  const backward = last != null;
  return {
    limit: backward ? last! : (first ?? DEFAULT_PAGE_SIZE),
    backward,
    after: args.after ?? null,
    before: args.before ?? null,
  };
}

/**
 * A SQL list: the FROM clause with joins, WHERE fragments with `?` params,
 * the entity its rows map to and the id column that breaks sort ties.
 */
export type ListSql = {
  entity: EntityClass<object>;
  select: string;
  from: string;
  idColumn: string;
  where: string[];
  params: unknown[];
};

export type Ordering = { key: string; column: SortColumn; direction: SortDirection };

export type Edge<T> = { cursor: string; node: T };

/** What connection resolvers return; totalCount (a getter) runs its query only when asked for. */
export type ConnectionResult<T> = {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
};

function keysetConditions(order: Ordering, page: PageRequest, idColumn: string): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const asc = order.direction === SortDirection.ASC;
  const add = (cursor: string, isAfter: boolean) => {
    const { value, id } = decodeCursor(cursor, order.key, order.column);
    // Row comparison keeps the (column, id) index usable.
    const op = isAfter === asc ? '>' : '<';
    sql.push(`(${order.column.sql}, ${idColumn}) ${op} (?, ?)`);
    params.push(value, id);
  };
  if (page.after) add(page.after, true);
  if (page.before) add(page.before, false);
  return { sql, params };
}

function orderBy(order: Ordering, idColumn: string, reverse: boolean): string {
  const asc = (order.direction === SortDirection.ASC) !== reverse;
  const dir = asc ? 'asc' : 'desc';
  return `${order.column.sql} ${dir}, ${idColumn} ${dir}`;
}

function rowToEntity<T>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>): T {
  const { __sort: _s, __parent: _p, __rn: _r, ...data } = row;
  return mapRow(em, entity, data);
}

function buildConnection<T>(
  rows: Record<string, unknown>[],
  entities: T[],
  order: Ordering,
  page: PageRequest,
  totalCount: () => Promise<number>,
): ConnectionResult<T> {
  const hasMore = rows.length > page.limit;
  let slicedRows = rows.slice(0, page.limit);
  let slicedEntities = entities.slice(0, page.limit);
  if (page.backward) {
    slicedRows = slicedRows.reverse();
    slicedEntities = slicedEntities.reverse();
  }
  const edges = slicedRows.map((row, i) => ({
    cursor: encodeCursor([order.key, row.__sort as string | number, row.__id as number]),
    node: slicedEntities[i]!,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.backward ? page.before != null : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return totalCount();
    },
  };
}

function normaliseSort(value: unknown, column: SortColumn): string | number {
  if (column.type === 'number') return Number(value);
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * One page of a top-level list: one statement, plus one more if totalCount
 * is asked for. `node`: the nodes as compiled JSON (SQL on the list's
 * alias, from compileNodes) instead of entities.
 */
export async function fetchPage<T>(
  em: EntityManager,
  list: ListSql,
  order: Ordering,
  args: PageArgs,
  node?: { sql: string; params: unknown[] },
): Promise<ConnectionResult<T>> {
  const page = pageRequest(args);
  const keyset = keysetConditions(order, page, list.idColumn);
  const where = [...list.where, ...keyset.sql];
  const whereSql = where.length ? `where ${where.join(' and ')}` : '';
  const conn = em.getConnection();
  const totalCount = memo(async () => {
    const [row] = await conn.execute<{ n: number }[]>(
      `select count(*)::int as n from ${list.from} ${list.where.length ? `where ${list.where.join(' and ')}` : ''}`,
      list.params,
      'all',
      em.getTransactionContext(),
    );
    return Number(row!.n);
  });
  if (page.limit === 0) return buildConnection([], [], order, page, totalCount);
  // Prepared (src/lib/prepared.ts): the text depends on the list's shape, not on the cursor or the page size.
  const rows = await executePrepared<Record<string, unknown>>(
    em,
    `select ${node === undefined ? list.select : `${node.sql} as "__node"`}, ${order.column.sql} as "__sort", ${list.idColumn} as "__id"
     from ${list.from} ${whereSql}
     order by ${orderBy(order, list.idColumn, page.backward)} limit ?`,
    [...(node?.params ?? []), ...list.params, ...keyset.params, page.limit + 1],
  );
  for (const row of rows) row.__sort = normaliseSort(row.__sort, order.column);
  const entities = rows.map((row) => (node === undefined ? rowToEntity(em, list.entity as EntityClass<T>, stripId(row)) : (row.__node as T)));
  return buildConnection(rows, entities, order, page, totalCount);
}

function stripId(row: Record<string, unknown>): Record<string, unknown> {
  const { __id: _id, ...rest } = row;
  return rest;
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn());
}

/**
 * Pages of a nested list for many parents at once (School.classes for 50
 * schools): one statement with a window function, so the statement count
 * does not grow with the number of parents.
 */
export async function fetchNestedPages<T>(
  em: EntityManager,
  list: ListSql,
  parentColumn: string,
  parentIds: readonly number[],
  order: Ordering,
  args: PageArgs,
): Promise<ConnectionResult<T>[]> {
  const page = pageRequest(args);
  const keyset = keysetConditions(order, page, list.idColumn);
  const ids = [...new Set(parentIds)];
  const inList = placeholders(ids);
  const baseWhere = [...list.where, `${parentColumn} in (${inList})`];
  const conn = em.getConnection();
  const counts = memo(async () => {
    const rows = await conn.execute<{ parent: number; n: number }[]>(
      `select ${parentColumn} as parent, count(*)::int as n from ${list.from} where ${baseWhere.join(' and ')} group by ${parentColumn}`,
      [...list.params, ...ids],
      'all',
      em.getTransactionContext(),
    );
    return new Map(rows.map((r) => [Number(r.parent), Number(r.n)]));
  });
  let byParent = new Map<number, Record<string, unknown>[]>();
  if (page.limit > 0 && ids.length > 0) {
    const where = [...baseWhere, ...keyset.sql];
    const rows = await conn.execute<Record<string, unknown>[]>(
      `select * from (
         select ${list.select}, ${order.column.sql} as "__sort", ${list.idColumn} as "__id", ${parentColumn} as "__parent",
                row_number() over (partition by ${parentColumn} order by ${orderBy(order, list.idColumn, page.backward)}) as "__rn"
         from ${list.from} where ${where.join(' and ')}
       ) ranked where "__rn" <= ? order by "__parent", "__rn"`,
      [...list.params, ...ids, ...keyset.params, page.limit + 1],
      'all',
      em.getTransactionContext(),
    );
    for (const row of rows) row.__sort = normaliseSort(row.__sort, order.column);
    byParent = groupBy(rows, (row) => Number(row.__parent));
  }
  return parentIds.map((parentId) => {
    const rows = byParent.get(parentId) ?? [];
    const entities = rows.map((row) => rowToEntity(em, list.entity as EntityClass<T>, stripId(row)));
    return buildConnection(rows, entities, order, page, async () => (await counts()).get(parentId) ?? 0);
  });
}

/** Generic order input shape: each list declares its own field enum. */
export function ordering<F extends string>(
  columns: Record<F, SortColumn>,
  field: F,
  direction: SortDirection,
): Ordering {
  return { key: `${field}:${direction}`, column: columns[field], direction };
}

@InputType({ description: 'A point on the map with a radius, for "within N km" filters.' })
export class NearInput {
  @Field(() => Number, { description: 'Latitude of the centre, WGS 84 degrees (-90 to 90).' })
  latitude!: number;

  @Field(() => Number, { description: 'Longitude of the centre, WGS 84 degrees (-180 to 180).' })
  longitude!: number;

  @Field(() => Number, { description: 'Radius in kilometres (greater than 0, at most 2000).' })
  radiusKm!: number;
}
