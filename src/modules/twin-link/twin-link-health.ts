import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Ctx, FieldResolver, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { perRequest } from '../../loaders';
import { placeholders } from '../../lib/sql';
import { DateScalar, toIsoDate } from '../common/scalars';
import { ExchangeStatus } from '../exchange/exchange.entity';
import { todayUtc } from '../../lib/dates';
import { TwinLink } from './twin-link.entity';

export enum TwinLinkHealth {
  ACTIVE = 'ACTIVE',
  DORMANT = 'DORMANT',
}
registerEnumType(TwinLinkHealth, {
  name: 'TwinLinkHealth',
  description: 'Whether pupils of the two towns still meet (key 8 of the twinning guide: a lasting relationship).',
  valuesConfig: {
    ACTIVE: { description: 'An exchange between schools of the two towns ran in the current school year or the two before.' },
    DORMANT: { description: 'No exchange between schools of the two towns ran in the current school year or the two before.' },
  },
});

/** Exchange statuses in which an exchange can have run: it went ahead (CANCELLED and earlier states do not count). */
export const RAN_STATUSES: readonly ExchangeStatus[] = [ExchangeStatus.ONGOING, ExchangeStatus.EVALUATING, ExchangeStatus.COMPLETED];

/** School years start on 1 September: the current one started this year from September, otherwise last year. */
export function schoolYearStart(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return `${month >= 9 ? year : year - 1}-09-01`;
}

/**
 * First day of "the last three school years": 1 September two years
 * before the current school year's start. On 2026-11-27 (school year
 * 2026/27) it is 2024-09-01; on 2026-08-31 (2025/26) it is 2023-09-01.
 */
export function activityCutoff(today: string): string {
  const start = schoolYearStart(today);
  return `${Number(start.slice(0, 4)) - 2}-09-01`;
}

/**
 * When each link last saw an exchange between schools of its two towns
 * run, in one statement for all links asked for. An exchange is between
 * the towns when it has a class of a school in each; it ran when it is
 * ONGOING, EVALUATING or COMPLETED, on its visits that started on or before
 * today. The activity date is the latest end of such a visit, capped at
 * today (a visit under way counts as activity today).
 */
export async function lastActivityOfLinks(em: EntityManager, linkIds: readonly number[], today: string): Promise<(string | null)[]> {
  const ids = [...new Set(linkIds)];
  const rows = await em.getConnection().execute<{ link_id: number; last: string | Date }[]>(
    `select l.id as link_id, max(least(v.ends_on, ?::date)) as last
     from twin_link l
     join school sa on sa.town_id = l.town_a_id
     join exchange_class ca on ca.school_id = sa.id
     join exchange e on e.id = ca.exchange_id and e.status in (${placeholders(RAN_STATUSES)})
     join exchange_class cb on cb.exchange_id = e.id
     join school sb on sb.id = cb.school_id and sb.town_id = l.town_b_id
     join visit v on v.exchange_id = e.id and v.starts_on <= ?::date
     where l.id in (${placeholders(ids)})
     group by l.id`,
    [today, ...RAN_STATUSES, today, ...ids],
    'all',
    em.getTransactionContext(),
  );
  const last = new Map(rows.map((r) => [Number(r.link_id), toIsoDate(r.last)]));
  return linkIds.map((id) => last.get(id) ?? null);
}

type Activity = { today: string; loader: DataLoader<number, string | null> };

/** One loader per request (keyed by the request's loaders), with today fixed for the whole request. */
const activity = perRequest((ctx: Context): Activity => {
  const today = todayUtc();
  return { today, loader: new DataLoader((ids) => lastActivityOfLinks(ctx.em, ids, today)) };
});

const RULE =
  'An exchange between schools of the two towns has a class of a school in each; it ran when it is ONGOING, EVALUATING or COMPLETED, on its visits that started on or before today (UTC).';

/** TwinLink.lastActivityAt and TwinLink.health: public, computed from exchanges (no personal data). */
@Resolver(() => TwinLink)
export class TwinLinkHealthResolver {
  @FieldResolver(() => DateScalar, {
    nullable: true,
    description:
      `When pupils of the two towns last met, to the month: the first day of the month of the latest end date of a visit of an exchange between them that ran, capped at today; null if none ever ran. ` +
      `Public, so only the month is given: exact dates of school trips are not published. ${RULE}`,
  })
  async lastActivityAt(@Root() link: TwinLink, @Ctx() ctx: Context) {
    const last = await activity(ctx).loader.load(link.id);
    return last === null ? null : `${last.slice(0, 7)}-01`;
  }

  @FieldResolver(() => TwinLinkHealth, {
    description:
      'ACTIVE when an exchange between schools of the two towns ran in the last three school years, DORMANT otherwise. ' +
      'School years start on 1 September; the last three are the current one and the two before, so the cutoff is 1 September two years before the current school year began ' +
      '(on 2026-11-27: lastActivityAt on or after 2024-09-01). ' +
      `${RULE} Independent of status, which records whether the link is formally in force.`,
  })
  async health(@Root() link: TwinLink, @Ctx() ctx: Context): Promise<TwinLinkHealth> {
    const { today, loader } = activity(ctx);
    const last = await loader.load(link.id);
    return last !== null && last >= activityCutoff(today) ? TwinLinkHealth.ACTIVE : TwinLinkHealth.DORMANT;
  }
}
