import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass } from '@mikro-orm/core';
import { ApiToken, User } from './modules/auth/auth.entity';
import { ETwinningParticipant, ETwinningProject, ETwinningQualityLabel } from './modules/etwinning/etwinning.entity';
import { LanguagePairing } from './modules/language-pairing/language-pairing.entity';
import { AvailabilityWindow, ClassLanguage, SchoolClass } from './modules/school-class/school-class.entity';
import { School } from './modules/school/school.entity';
import { CountryLanguage, Town } from './modules/town/town.entity';
import { TwinLink } from './modules/twin-link/twin-link.entity';
import type { ConnectionResult, PageArgs } from './modules/common/pagination';
import { groupBy } from './lib/group-by';
import { mapRow } from './modules/common/row-mapper';
import { placeholders } from './lib/sql';
import { Contact, Organisation } from './modules/community/community.entity';
import { BudgetLine, FundingSource } from './modules/exchange/budget.entity';
import { Evaluation, Exchange, ExchangeClass, ExchangeEvent, Goal, Visit, VisitGuestClass } from './modules/exchange/exchange.entity';
import { HostFamily, Participant } from './modules/exchange/participant.entity';

/**
 * `select * from <table> where <key> in (…)`, mapped to entities (see mapRow).
 * For these key lookups, em.find's criteria processing and query builder
 * cost several times the CPU of the statement itself (npm run bench);
 * mapRow hydrates exactly as the list queries in pagination.ts do.
 */
async function selectIn<T>(
  em: EntityManager,
  entity: EntityClass<T>,
  key: string,
  values: readonly unknown[],
  orderBy: Record<string, 'asc' | 'desc'> = {},
): Promise<T[]> {
  const meta = em.getMetadata().get(entity.name);
  const column = (property: string) => `"${meta.properties[property as never]!.fieldNames[0]}"`;
  const order = Object.entries(orderBy).map(([property, direction]) => `${column(property)} ${direction}`);
  const rows = await em
    .getConnection()
    .execute<Record<string, unknown>[]>(
      `select * from "${meta.tableName}" where ${column(key)} in (${placeholders(values)})${order.length ? ` order by ${order.join(', ')}` : ''}`,
      [...values],
      'all',
      em.getTransactionContext(),
    );
  return rows.map((row) => mapRow(em, entity, row));
}

/** Entities by primary key, one statement per batch. */
function byId<T extends { id: number }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await selectIn(em, entity, 'id', ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Child rows grouped by a foreign key, one statement per batch. */
function groupedBy<T, K extends string | number>(
  em: EntityManager,
  entity: EntityClass<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  return new DataLoader<K, T[]>(async (keys) => {
    const rows = await selectIn(em, entity, key, keys, orderBy);
    const map = groupBy(rows, (row) => row[key] as unknown as K);
    return keys.map((k) => map.get(k) ?? []);
  });
}

export type NestedFetcher<T> = (parentIds: readonly number[], args: PageArgs) => Promise<ConnectionResult<T>[]>;

/**
 * Nested connections (Town.schools, School.classes, Town.twins …): parents
 * asking with the same arguments are served by one batched statement.
 */
function nestedConnections() {
  const loaders = new Map<string, DataLoader<number, ConnectionResult<unknown>>>();
  return function load<T>(name: string, parentId: number, args: PageArgs & { filter?: unknown; orderBy?: unknown }, fetch: NestedFetcher<T>) {
    const key = `${name}:${JSON.stringify(args)}`;
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<number, ConnectionResult<unknown>>(
        (ids) => fetch(ids, args) as Promise<ConnectionResult<unknown>[]>,
      );
      loaders.set(key, loader);
    }
    return loader.load(parentId) as Promise<ConnectionResult<T>>;
  };
}

export function createLoaders(em: EntityManager) {
  return {
    town: byId(em, Town),
    school: byId(em, School),
    schoolClass: byId(em, SchoolClass),
    twinLink: byId(em, TwinLink),
    user: byId(em, User),
    apiToken: byId(em, ApiToken),
    pairing: byId(em, LanguagePairing),
    eTwinningProject: byId(em, ETwinningProject),
    qualityLabels: groupedBy<ETwinningQualityLabel, number>(em, ETwinningQualityLabel, 'projectId', { year: 'desc', id: 'asc' }),
    eTwinningParticipants: groupedBy<ETwinningParticipant, number>(em, ETwinningParticipant, 'projectId', { schoolId: 'asc', id: 'asc' }),
    classLanguages: groupedBy<ClassLanguage, number>(em, ClassLanguage, 'classId', { role: 'asc', language: 'asc' }),
    availability: groupedBy<AvailabilityWindow, number>(em, AvailabilityWindow, 'classId', { startsOn: 'asc', id: 'asc' }),
    countryLanguages: groupedBy<CountryLanguage, string>(em, CountryLanguage, 'country', {
      populationPercent: 'desc',
      language: 'asc',
    }),
    exchange: byId(em, Exchange),
    visit: byId(em, Visit),
    goal: byId(em, Goal),
    evaluation: byId(em, Evaluation),
    participant: byId(em, Participant),
    hostFamily: byId(em, HostFamily),
    budgetLine: byId(em, BudgetLine),
    fundingSource: byId(em, FundingSource),
    organisation: byId(em, Organisation),
    contact: byId(em, Contact),
    exchangeEvent: byId(em, ExchangeEvent),
    exchangeClasses: groupedBy<ExchangeClass, number>(em, ExchangeClass, 'exchangeId', { role: 'asc', classId: 'asc' }),
    visitGuests: groupedBy<VisitGuestClass, number>(em, VisitGuestClass, 'visitId', { classId: 'asc' }),
    nested: nestedConnections(),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * For modules that keep DataLoaders of their own: builds them once per set
 * of request loaders. Each mutation starts with fresh loaders (see
 * auditMutations), so these are fresh for it too.
 */
export function perRequest<C extends { loaders: object }, T>(build: (ctx: C) => T): (ctx: C) => T {
  const built = new WeakMap<object, T>();
  return (ctx) => {
    let value = built.get(ctx.loaders);
    if (value === undefined) {
      value = build(ctx);
      built.set(ctx.loaders, value);
    }
    return value;
  };
}
