import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filterCountry, filterId } from '../common/filters';
import { fetchNestedPages, fetchPage, SortDirection, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { requireAdmin } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { Town } from '../town/town.entity';
import { TwinLink, TwinLinkSource, TwinLinkStatus } from './twin-link.entity';
import type { CreateTwinLinkInput, EndTwinLinkInput, TwinLinkFilter } from './twin-link.inputs';
import { placeholders } from '../../lib/sql';
import { todayUtc } from '../../lib/dates';

/** Links are listed oldest first (by id), which is stable for cursors. */
const LINK_ORDER: Ordering = { key: 'ID:ASC', column: { sql: 'l.id', type: 'number' }, direction: SortDirection.ASC };

function linkWhere(filter: TwinLinkFilter | null | undefined) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter?.country != null) {
    where.push('exists (select 1 from town ct where ct.id in (l.town_a_id, l.town_b_id) and ct.country = ?)');
    params.push(filterCountry(filter.country, 'filter.country'));
  }
  if (filter?.townId != null) {
    const id = filterId(filter.townId, 'Town', 'filter.townId');
    where.push('(l.town_a_id = ? or l.town_b_id = ?)');
    params.push(id, id);
  }
  if (filter?.statuses && filter.statuses.length > 0) {
    where.push(`l.status in (${placeholders(filter.statuses)})`);
    params.push(...filter.statuses);
  }
  return { where, params };
}


export class TwinLinkService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  list(args: PageArgs, filter?: TwinLinkFilter | null) {
    const { where, params } = linkWhere(filter);
    const list: ListSql = { entity: TwinLink, select: 'l.*', from: 'twin_link l', idColumn: 'l.id', where, params };
    return fetchPage<TwinLink>(this.em, list, LINK_ORDER, args);
  }

  linksOf(townIds: readonly number[], args: PageArgs, filter?: TwinLinkFilter | null) {
    const { where, params } = linkWhere(filter);
    const list: ListSql = {
      entity: TwinLink,
      select: 'l.*',
      from: 'twin_edge e join twin_link l on l.id = e.link_id',
      idColumn: 'l.id',
      where,
      params,
    };
    return fetchNestedPages<TwinLink>(this.em, list, 'e.town_id', townIds, LINK_ORDER, args);
  }

  /** Admins only: twinnings are decided by town councils, not by schools. */
  async create(input: CreateTwinLinkInput): Promise<Result<TwinLink>> {
    requireAdmin(this.viewer);
    const check = new InputChecker();
    const a = check.globalId(['townAId'], input.townAId, 'Town');
    const b = check.globalId(['townBId'], input.townBId, 'Town');
    const maxYear = new Date().getUTCFullYear() + 1;
    if (input.since != null && (input.since < 800 || input.since > maxYear)) {
      check.add(['since'], UserErrorCode.INVALID_YEAR, `since must be a year from 800 to ${maxYear}.`);
    }
    if (a !== null && a === b) check.add(['townBId'], UserErrorCode.SAME_TOWN, 'A town cannot be twinned with itself.');
    if (!check.ok || a === null || b === null) return { value: null, userErrors: check.errors };

    return this.em.transactional(async (em) => {
      const towns = await em.find(Town, { id: { $in: [a, b] } });
      for (const [field, id] of [['townAId', a], ['townBId', b]] as const) {
        if (!towns.some((t) => t.id === id)) check.add([field], UserErrorCode.NOT_FOUND, `No town has the id ${field === 'townAId' ? input.townAId : input.townBId}.`);
      }
      if (!check.ok) return { value: null, userErrors: check.errors };
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const conn = em.getConnection();
      // The partial unique index decides races: the loser inserts nothing.
      const rows = await conn.execute<{ id: number }[]>(
        `insert into twin_link (town_a_id, town_b_id, since, kind, status, source)
         values (?, ?, ?, ?, 'ACTIVE', ?)
         on conflict (town_a_id, town_b_id) where status <> 'ENDED' do nothing returning id`,
        [lo, hi, input.since ?? null, input.kind, TwinLinkSource.MANUAL],
        'all',
        em.getTransactionContext(),
      );
      if (rows.length === 0) {
        check.add(['townBId'], UserErrorCode.DUPLICATE, 'These towns are already twinned.');
        return { value: null, userErrors: check.errors };
      }
      const link = await em.findOneOrFail(TwinLink, { id: rows[0]!.id });
      return { value: link, userErrors: [] };
    });
  }

  /** Admins only. */
  async end(input: EndTwinLinkInput): Promise<Result<TwinLink>> {
    requireAdmin(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'TwinLink');
    const endedOn = input.endedOn ?? todayUtc();
    if (endedOn > todayUtc()) check.add(['endedOn'], UserErrorCode.INVALID_DATE_RANGE, 'endedOn must not be in the future.');
    if (!check.ok || id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const link = await em.findOne(TwinLink, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!link) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No twin link has this id.');
        return { value: null, userErrors: check.errors };
      }
      if (link.status === TwinLinkStatus.ENDED) {
        check.add(['id'], UserErrorCode.ALREADY_ENDED, 'This twin link has already ended.');
        return { value: null, userErrors: check.errors };
      }
      if (link.since != null && Number(endedOn.slice(0, 4)) < link.since) {
        check.add(['endedOn'], UserErrorCode.INVALID_DATE_RANGE, 'endedOn must not be before the year the link began.');
        return { value: null, userErrors: check.errors };
      }
      link.status = TwinLinkStatus.ENDED;
      link.endedOn = endedOn;
      return { value: link, userErrors: [] };
    });
  }
}
