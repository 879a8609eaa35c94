import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { isLanguageCode } from '../../lib/codes';
import { haversineKm } from '../../lib/text';
import type { Viewer } from '../auth/viewer';
import { filterCountry, filterId } from '../common/filters';
import { pageRequest, type PageArgs } from '../common/pagination';
import { toIsoDate } from '../common/scalars';
import { AvailabilityWindow, ClassLanguage, SchoolClass } from '../school-class/school-class.entity';
import { languagesOf } from '../language-pairing/language-pairing.service';
import { normaliseWeights, scorePartner, type ClassProfile, type PartnerWeights, type Reason } from './partner-score';
import type { PartnerSuggestionFilter, PartnerWeightsInput } from './partner-suggestions.inputs';
import { TownSimilarityService, type TownSimilarityResult } from './town-similarity.service';
import { placeholders } from '../../lib/sql';
import { groupBy } from '../../lib/group-by';

/** How many candidates SQL hands to the scorer: the best by a cheap pre-score. */
export const CANDIDATE_LIMIT = 300;

export type PartnerSuggestionResult = { schoolClass: SchoolClass; score: number; reasons: Reason[] };

type CandidateRow = Record<string, unknown> & {
  id: number;
  town_id: number;
  is_twin: boolean;
  latitude: number;
  longitude: number;
  country: string;
};

function profile(c: SchoolClass, langs: ClassLanguage[], windows: AvailabilityWindow[]): ClassProfile {
  const { offers, learns } = languagesOf(langs);
  return {
    id: c.id,
    ageMin: c.ageMin,
    ageMax: c.ageMax,
    pupilCount: c.pupilCount,
    themes: c.themes,
    subjects: c.subjects,
    offers,
    learns,
    windows: windows.map((w) => ({ startsOn: toIsoDate(w.startsOn), endsOn: toIsoDate(w.endsOn) })),
    updatedAt: c.updatedAt,
  };
}

/** Town similarity as a partner criterion: the towns' score, with its strongest reason as the detail. */
function townScore(result: TownSimilarityResult | undefined, sameTown: boolean): { score: number; detail: string } {
  if (sameTown) return { score: 0, detail: 'Same town' };
  if (!result) return { score: 0, detail: 'Town unknown' };
  const best = [...result.reasons].sort((x, y) => y.weight * y.score - x.weight * x.score)[0];
  return { score: result.score, detail: `Towns ${Math.round(result.score * 100)}% alike${best ? `; ${best.detail}` : ''}` };
}

function encodeOffset(n: number): string {
  return Buffer.from(`offset:${n}`).toString('base64url');
}

function decodeOffset(cursor: string): number {
  const m = /^offset:(\d{1,4})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadUserInputError('Invalid cursor.', { argument: 'after/before' });
  return Number(m[1]);
}

export class PartnerSuggestionService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /**
   * Candidates come from SQL (language, age, listing, country, distance and
   * exclusions, using the class_language and town indexes), at most
   * CANDIDATE_LIMIT of them; scoring and ranking happen here.
   */
  async suggest(classGlobalId: string, args: PageArgs, filter: PartnerSuggestionFilter | null | undefined, weightsInput: PartnerWeightsInput | null | undefined) {
    const page = pageRequest(args);
    if (page.backward) throw new BadUserInputError('Partner suggestions page forward only: use first/after.', { argument: 'last' });
    let weights: PartnerWeights;
    try {
      weights = normaliseWeights(weightsInput ?? {});
    } catch (err) {
      throw new BadUserInputError(`weights: ${(err as Error).message}.`, { argument: 'weights' });
    }
    const classId = filterId(classGlobalId, 'SchoolClass', 'classId');
    const em = this.em;
    const conn = em.getConnection();
    // The class, its languages, availability and town in one round trip.
    const [me, meLangs, meWindows, [myTown]] = await Promise.all([
      em.findOne(SchoolClass, { id: classId }),
      em.find(ClassLanguage, { classId }),
      em.find(AvailabilityWindow, { classId }),
      conn.execute<{ id: number; latitude: number; longitude: number; country: string }[]>(
        'select t.id, t.latitude, t.longitude, t.country from school_class c join school s on s.id = c.school_id join town t on t.id = s.town_id where c.id = ?',
        [classId],
      ),
    ]);
    if (!me || !this.viewer.canSeeClass(me)) return null;
    const mine = profile(me, meLangs, meWindows);
    const only = filter?.languages?.length ? new Set(filter.languages.map((l, i) => {
      if (!isLanguageCode(l)) throw new BadUserInputError(`filter.languages[${i}] is not an ISO 639-1 code.`, { argument: 'filter.languages' });
      return l;
    })) : undefined;
    const offers = [...mine.offers].filter((l) => !only || only.has(l));
    const learns = [...mine.learns.keys()].filter((l) => !only || only.has(l));

    const where: string[] = [];
    const params: unknown[] = [];
    if (filter?.countries?.length) {
      where.push(`t.country in (${placeholders(filter.countries)})`);
      params.push(...filter.countries.map((c) => filterCountry(c, 'filter.countries')));
    }
    if (filter?.excludeCountries?.length) {
      where.push(`t.country not in (${placeholders(filter.excludeCountries)})`);
      params.push(...filter.excludeCountries.map((c) => filterCountry(c, 'filter.excludeCountries')));
    }
    const distance = `2 * 6371 * asin(least(1, sqrt(power(sin(radians(t.latitude - ${Number(myTown!.latitude)}) / 2), 2)
      + cos(radians(${Number(myTown!.latitude)})) * cos(radians(t.latitude)) * power(sin(radians(t.longitude - ${Number(myTown!.longitude)}) / 2), 2))))`;
    if (filter?.minDistanceKm != null) {
      where.push(`${distance} >= ?`);
      params.push(filter.minDistanceKm);
    }
    if (filter?.maxDistanceKm != null) {
      if (!(filter.maxDistanceKm > 0)) throw new BadUserInputError('filter.maxDistanceKm must be above 0.', { argument: 'filter.maxDistanceKm' });
      where.push(`${distance} <= ?`);
      params.push(filter.maxDistanceKm);
    }
    if (filter?.twinTownsOnly) where.push('s.town_id in (select town_id from my_twins)');
    if (filter?.modes?.length) {
      where.push('c.pairing_modes && ?::text[]');
      params.push(`{${filter.modes.join(',')}}`);
    }

    // Three cheap, bounded ways in, then the exact order on at most 3 × CANDIDATE_LIMIT rows:
    // full tandems (learn what I teach AND teach what I learn), classes in my twin towns, and
    // the most recently updated matches. Each walks the listing index with a row filter on the
    // class's language arrays (kept by triggers) and stops once it has enough.
    const offersLit = `{${offers.join(',')}}`;
    const learnsLit = `{${learns.join(',')}}`;
    const langMatch = '(b.learns && ?::text[] or b.offers && ?::text[])';
    const rows = await conn.execute<CandidateRow[]>(
      `with my_twins as (select other_town_id as town_id from twin_edge where town_id = ? and status <> 'ENDED'),
       base as not materialized (
         select c.*, s.town_id, t.latitude, t.longitude, t.country, (s.town_id in (select town_id from my_twins)) as is_twin
           from school_class c
           join school s on s.id = c.school_id
           join town t on t.id = s.town_id
          where c.school_id <> ?
            and c.looking_for_partners and (c.listing_expires_at is null or c.listing_expires_at > now())
            and c.age_min <= ? and c.age_max >= ?
            and not exists (select 1 from language_pairing p
                             where ((p.class_a_id = ? and p.class_b_id = c.id) or (p.class_b_id = ? and p.class_a_id = c.id))
                               and (p.status in ('PROPOSED', 'ACCEPTED', 'ACTIVE')
                                    or (p.status = 'DECLINED' and p.class_b_id = c.id and p.responded_at > now() - interval '1 year')))
            ${where.map((w) => `and ${w}`).join(' ')}
       ),
       picked as (
         (select b.id from base b where b.learns && ?::text[] and b.offers && ?::text[]
           order by b.updated_at desc, b.id limit ${CANDIDATE_LIMIT})
         union
         (select b.id from base b where b.school_id in (select s.id from school s join my_twins mt on mt.town_id = s.town_id) and ${langMatch}
           order by b.updated_at desc, b.id limit ${CANDIDATE_LIMIT})
         union
         (select b.id from base b where ${langMatch} order by b.updated_at desc, b.id limit ${CANDIDATE_LIMIT})
       )
       select b.* from base b
        where b.id in (select id from picked)
        order by (b.learns && ?::text[])::int + (b.offers && ?::text[])::int desc, b.is_twin desc, b.updated_at desc, b.id
        limit ${CANDIDATE_LIMIT}`,
      [
        myTown!.id,
        me.schoolId,
        mine.ageMax + 2,
        mine.ageMin - 2,
        classId,
        classId,
        ...params,
        offersLit,
        learnsLit,
        offersLit,
        learnsLit,
        offersLit,
        learnsLit,
        offersLit,
        learnsLit,
      ],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return this.page([], page);

    const [langs, windows, history, towns] = await Promise.all([
      em.find(ClassLanguage, { classId: { $in: ids } }),
      em.find(AvailabilityWindow, { classId: { $in: ids } }),
      conn.execute<{ class_id: number; received: number; answered: number; accepted: number }[]>(
        `select class_b_id as class_id, count(*)::int as received,
                count(*) filter (where status <> 'PROPOSED')::int as answered,
                count(*) filter (where status in ('ACCEPTED', 'ACTIVE', 'ENDED'))::int as accepted
           from language_pairing
          where class_b_id in (${placeholders(ids)}) and (status <> 'PROPOSED' or created_at < now() - interval '14 days')
          group by class_b_id`,
        ids,
      ),
      new TownSimilarityService(em).scoreTowns(myTown!.id, rows.map((r) => Number(r.town_id))),
    ]);
    const langsBy = groupBy(langs, (l) => l.classId);
    const windowsBy = groupBy(windows, (w) => w.classId);
    const historyBy = new Map(history.map((h) => [Number(h.class_id), h]));
    const now = new Date();
    const results: PartnerSuggestionResult[] = rows.map((row) => {
      const { town_id, latitude, longitude, country, is_twin, ...data } = row;
      const candidate = em.map(SchoolClass, data) as SchoolClass;
      const town = townScore(towns.get(Number(town_id)), Number(town_id) === myTown!.id);
      const km = Math.round(haversineKm(myTown!.latitude, myTown!.longitude, Number(latitude), Number(longitude)));
      const h = historyBy.get(candidate.id);
      const { score, reasons } = scorePartner(
        mine,
        profile(candidate, langsBy.get(candidate.id) ?? [], windowsBy.get(candidate.id) ?? []),
        {
          townScore: town.score,
          townDetail: `${town.detail} (${km} km${country !== myTown!.country ? ', across a border' : ''})`,
          isTwin: Boolean(is_twin),
          history: { received: h?.received ?? 0, answered: h?.answered ?? 0, accepted: h?.accepted ?? 0 },
          languages: only,
          now,
        },
        weights,
      );
      return { schoolClass: candidate, score, reasons };
    });
    results.sort((x, y) => y.score - x.score || x.schoolClass.id - y.schoolClass.id);
    return this.page(results, page);
  }

  private page(results: PartnerSuggestionResult[], page: ReturnType<typeof pageRequest>) {
    const start = page.after ? decodeOffset(page.after) + 1 : 0;
    const slice = results.slice(start, start + page.limit);
    const edges = slice.map((node, i) => ({ cursor: encodeOffset(start + i), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: start + page.limit < results.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: Promise.resolve(results.length),
    };
  }
}
