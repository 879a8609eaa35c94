import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { isLanguageCode } from '../../lib/codes';
import { haversineKm } from '../../lib/text';
import type { Viewer } from '../auth/viewer';
import { filterCountry, filterId } from '../common/filters';
import { pageRequest, type PageArgs } from '../common/pagination';
import { SchoolClass, type ClassLanguage } from '../school-class/school-class.entity';
import { languagesOf } from '../language-pairing/language-pairing.service';
import { normaliseWeights, scorePartner, type CandidateContext, type ClassProfile, type PartnerWeights, type Reason } from './partner-score';
import type { PartnerSuggestionFilter, PartnerWeightsInput } from './partner-suggestions.inputs';
import { NETWORK_VERSION_SQL, townNetwork } from './town-network';
import type { TownFacts, TownSimilarityScore } from './town-similarity';
import { placeholders } from '../../lib/sql';

/** How many candidates SQL hands to the scorer: the best by a cheap pre-score. */
export const CANDIDATE_LIMIT = 300;

export type PartnerSuggestionResult = { schoolClass: SchoolClass; score: number; reasons: Reason[] };

/** A class's languages and availability windows as the SQL below returns them (json arrays). */
type ClassFacts = {
  id: number;
  age_min: number;
  age_max: number;
  pupil_count: number;
  /** Arrays, or JSON text of them (the candidates). */
  themes: string[] | string;
  subjects: string[] | string;
  /** updated_at in epoch milliseconds (drivers differ on timestamps, never on numbers). */
  updated_ms: number;
  languages: unknown;
  windows: unknown;
};

/** The class's own columns profile() reads. */
const PROFILE_OWN = (c: string) => `${c}.id, ${c}.age_min, ${c}.age_max, ${c}.pupil_count, ${c}.themes, ${c}.subjects`;

type TownColumns = { town_id: number; town_name: string; country: string; population: number; latitude: number; longitude: number };

type CandidateRow = ClassFacts & TownColumns & { is_twin: boolean; received: number; answered: number; accepted: number; completed: number; closed: number };

/** SQL columns (for a class alias c) that profile() reads besides the class's own columns. */
const PROFILE_EXTRAS = (c: string) => `(extract(epoch from ${c}.updated_at) * 1000)::float8 as updated_ms,
  (select coalesce(json_agg(json_build_array(l.language, l.role, l.level)), '[]') from class_language l where l.class_id = ${c}.id)::text as languages,
  (select coalesce(json_agg(json_build_array(w.starts_on, w.ends_on)), '[]') from availability_window w where w.class_id = ${c}.id)::text as windows`;

/** SQL columns (for a town alias t) that townFacts() reads. */
const TOWN_COLUMNS = (t: string) =>
  `${t}.id as town_id, ${t}.name as town_name, trim(${t}.country) as country, ${t}.population, ${t}.latitude, ${t}.longitude`;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function profile(row: ClassFacts): ClassProfile {
  const langs = json<[string, string, string | null][]>(row.languages).map(([language, role, level]) => ({ language, role, level }) as ClassLanguage);
  const { offers, learns } = languagesOf(langs);
  return {
    id: Number(row.id),
    ageMin: Number(row.age_min),
    ageMax: Number(row.age_max),
    pupilCount: Number(row.pupil_count),
    themes: json<string[]>(row.themes),
    subjects: json<string[]>(row.subjects),
    offers,
    learns,
    windows: json<[string, string][]>(row.windows).map(([startsOn, endsOn]) => ({ startsOn, endsOn })),
    updatedAt: new Date(Number(row.updated_ms)),
  };
}

function townFacts(row: TownColumns): TownFacts {
  return {
    id: Number(row.town_id),
    name: row.town_name,
    country: row.country,
    population: Number(row.population),
    latitude: Number(row.latitude),
    longitude: Number(row.longitude),
  };
}

/**
 * Town similarity as a partner criterion: the towns' score, with its
 * strongest reason as the detail ('' without `explain`).
 */
function townScore(result: TownSimilarityScore | undefined, sameTown: boolean, explain = true): { score: number; detail: string } {
  if (sameTown) return { score: 0, detail: explain ? 'Same town' : '' };
  if (!result) return { score: 0, detail: explain ? 'Town unknown' : '' };
  if (!explain) return { score: result.score, detail: '' };
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
   * exclusions), at most CANDIDATE_LIMIT of them, each with everything
   * scoring needs; scoring and ranking happen here, town similarity against
   * the in-memory TownNetwork. Three statements: the class, the candidates,
   * and the classes of the page asked for (a fourth loads the network facts
   * when they changed since the last call).
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
    // The class with its languages, availability, town and the network version, in one round trip.
    const [meRow] = await conn.execute<(ClassFacts & TownColumns & { network_version: string })[]>(
      `select c.*, ${PROFILE_EXTRAS('c')}, ${TOWN_COLUMNS('t')}, ${NETWORK_VERSION_SQL} as network_version
         from school_class c join school s on s.id = c.school_id join town t on t.id = s.town_id
        where c.id = ?`,
      [classId],
    );
    if (!meRow) return null;
    const { updated_ms: _u, languages: _l, windows: _w, network_version, town_id: _t, town_name: _n, country: _c, population: _p, latitude: _la, longitude: _lo, ...classData } = meRow;
    const me = em.map(SchoolClass, classData as Record<string, unknown>);
    if (!this.viewer.canSeeClass(me)) return null;
    const start = page.after ? decodeOffset(page.after) + 1 : 0;
    const mine = profile(meRow);
    const myTown = townFacts(meRow);
    const only = filter?.languages?.length ? new Set(filter.languages.map((l, i) => {
      if (!isLanguageCode(l)) throw new BadUserInputError(`filter.languages[${i}] is not an ISO 639-1 code.`, { argument: 'filter.languages' });
      return l;
    })) : undefined;
    const offers = [...mine.offers].filter((l) => !only || only.has(l));
    const learns = [...mine.learns.keys()].filter((l) => !only || only.has(l));

    const where: string[] = [];
    const params: unknown[] = [];
    let needsTown = false;
    if (filter?.countries?.length) {
      needsTown = true;
      where.push(`t.country in (${placeholders(filter.countries)})`);
      params.push(...filter.countries.map((c) => filterCountry(c, 'filter.countries')));
    }
    if (filter?.excludeCountries?.length) {
      needsTown = true;
      where.push(`t.country not in (${placeholders(filter.excludeCountries)})`);
      params.push(...filter.excludeCountries.map((c) => filterCountry(c, 'filter.excludeCountries')));
    }
    const distance = `2 * 6371 * asin(least(1, sqrt(power(sin(radians(t.latitude - ${myTown.latitude}) / 2), 2)
      + cos(radians(${myTown.latitude})) * cos(radians(t.latitude)) * power(sin(radians(t.longitude - ${myTown.longitude}) / 2), 2))))`;
    if (filter?.minDistanceKm != null) {
      needsTown = true;
      where.push(`${distance} >= ?`);
      params.push(filter.minDistanceKm);
    }
    if (filter?.maxDistanceKm != null) {
      if (!(filter.maxDistanceKm > 0)) throw new BadUserInputError('filter.maxDistanceKm must be above 0.', { argument: 'filter.maxDistanceKm' });
      needsTown = true;
      where.push(`${distance} <= ?`);
      params.push(filter.maxDistanceKm);
    }
    if (filter?.twinTownsOnly) where.push('c.school_id in (select id from twin_schools)');
    if (filter?.modes?.length) {
      where.push('c.pairing_modes && ?::text[]');
      params.push(`{${filter.modes.join(',')}}`);
    }

    // Three cheap, bounded ways in, then the exact order on at most 3 × CANDIDATE_LIMIT rows:
    // full tandems (learn what I teach AND teach what I learn), classes in my twin towns, and
    // the most recently updated matches. The planner takes each either from the GIN index on
    // the class's language arrays (kept by triggers) when matches are few, or by walking the
    // listing index, newest first, until it has enough. The third is skipped when the tandems
    // fill the list: its rows are then older tandems or one-way matches, which all rank below
    // those (older tandems in twin towns come from the second). Only the chosen rows are
    // joined to their town, languages, availability and proposal history.
    const offersLit = `{${offers.join(',')}}`;
    const learnsLit = `{${learns.join(',')}}`;
    const langMatch = '(b.learns && ?::text[] or b.offers && ?::text[])';
    const N = CANDIDATE_LIMIT;
    const candidatesSql = `
      with my_twins as (select other_town_id as town_id from twin_edge where town_id = ? and status <> 'ENDED'),
       twin_schools as (select s.id from school s where s.town_id in (select town_id from my_twins)),
       -- Classes in an open pairing with mine, and those that declined mine in the last year.
       paired as (
         select p.class_b_id as class_id from language_pairing p
          where p.class_a_id = ? and (p.status in ('PROPOSED', 'ACCEPTED', 'ACTIVE') or (p.status = 'DECLINED' and p.responded_at > now() - interval '1 year'))
         union all
         select p.class_a_id from language_pairing p where p.class_b_id = ? and p.status in ('PROPOSED', 'ACCEPTED', 'ACTIVE')
       ),
       base as not materialized (
         select c.id, c.school_id, c.updated_at, c.learns, c.offers
           from school_class c
           ${needsTown ? 'join school s on s.id = c.school_id join town t on t.id = s.town_id' : ''}
          where c.school_id <> ?
            and c.looking_for_partners and (c.listing_expires_at is null or c.listing_expires_at > now())
            and c.age_min <= ? and c.age_max >= ?
            and c.id <> all(array(select class_id from paired))
            ${where.map((w) => `and ${w}`).join(' ')}
       ),
       tandems as (
         select b.id from base b where b.learns && ?::text[] and b.offers && ?::text[]
          order by b.updated_at desc, b.id limit ${N}
       ),
       picked as (
         select id from tandems
         union
         (select b.id from base b where b.school_id in (select id from twin_schools) and ${langMatch}
           order by b.updated_at desc, b.id limit ${N})
         union
         (select b.id from base b where ${langMatch}
           order by b.updated_at desc, b.id limit case when (select count(*) from tandems) < ${N} then ${N} else 0 end)
       ),
       chosen as (
         select ${PROFILE_OWN('c')}, c.updated_at, c.school_id, (c.school_id in (select id from twin_schools)) as is_twin
           from school_class c
          where c.id = any(array(select id from picked))
          order by (c.learns && ?::text[])::int + (c.offers && ?::text[])::int desc, is_twin desc, c.updated_at desc, c.id
          limit ${N}
       )
       -- Lateral joins: a few hundred index lookups, never a scan of all towns.
       -- Arrays as JSON text: JSON.parse costs the API far less than pg's parser of text[].
       select x.id, x.age_min, x.age_max, x.pupil_count, array_to_json(x.themes)::text as themes, array_to_json(x.subjects)::text as subjects,
              ${PROFILE_EXTRAS('x')}, t.*, x.is_twin, h.*, xh.*
         from chosen x
         cross join lateral (select ${TOWN_COLUMNS('t')} from school s join town t on t.id = s.town_id where s.id = x.school_id) t
         -- How the candidate answers proposals (RELIABILITY): those answered or older than 14 days.
         cross join lateral (
           select count(*)::int as received,
                  count(*) filter (where p.status <> 'PROPOSED')::int as answered,
                  count(*) filter (where p.status in ('ACCEPTED', 'ACTIVE', 'ENDED'))::int as accepted
             from language_pairing p
            where p.class_b_id = x.id and (p.status <> 'PROPOSED' or p.created_at < now() - interval '14 days')
         ) h
         -- How the candidate's exchanges ended (RELIABILITY): completed against completed + cancelled.
         cross join lateral (
           select count(*) filter (where e.status = 'COMPLETED')::int as completed, count(*)::int as closed
             from exchange_class ec join exchange e on e.id = ec.exchange_id
            where ec.class_id = x.id and e.status in ('COMPLETED', 'CANCELLED')
         ) xh`;
    const candidateParams = [
      myTown.id,
      classId,
      classId,
      me.schoolId,
      mine.ageMax + 2,
      mine.ageMin - 2,
      ...params,
      offersLit,
      learnsLit,
      offersLit,
      learnsLit,
      offersLit,
      learnsLit,
      offersLit,
      learnsLit,
    ];
    // Ranked in a function of its own: only the page outlives it, not a few hundred rows per call in flight.
    const { slice, total } = await this.rank(candidatesSql, candidateParams, String(network_version), { mine, myTown, only, weights, start, limit: page.limit });
    if (total === 0) return this.page([], start, page.limit);

    // Entities only for the page asked for.
    const classes = slice.length ? await em.find(SchoolClass, { id: { $in: slice.map((r) => r.id) } }) : [];
    const byId = new Map(classes.map((c) => [c.id, c]));
    const results: PartnerSuggestionResult[] = [];
    for (const r of slice) {
      const schoolClass = byId.get(r.id);
      if (schoolClass) results.push({ schoolClass, score: r.score, reasons: r.reasons });
    }
    return this.page(results, start, page.limit, total);
  }

  /**
   * The candidates (from `sql`) scored and sorted, and the page from
   * position `start` with every reason explained; total: how many ranked.
   */
  private async rank(
    sql: string,
    params: unknown[],
    networkVersion: string,
    opts: { mine: ClassProfile; myTown: TownFacts; only: Set<string> | undefined; weights: PartnerWeights; start: number; limit: number },
  ): Promise<{ slice: { id: number; score: number; reasons: Reason[] }[]; total: number }> {
    const { mine, myTown, only, weights } = opts;
    // The network facts load (only when they changed) while the candidates are looked for.
    const [rows, network] = await Promise.all([
      this.em.getConnection().execute<CandidateRow[]>(sql, params, 'all', this.em.getTransactionContext()),
      townNetwork(this.em, networkVersion),
    ]);
    if (rows.length === 0) return { slice: [], total: 0 };

    // Ranking: every candidate's score, without the text of its reasons.
    const now = new Date();
    const similarities = new Map<number, TownSimilarityScore>();
    const candidates = rows.map((row) => {
      const town = townFacts(row);
      const sameTown = town.id === myTown.id;
      let similarity = similarities.get(town.id);
      if (!similarity && !sameTown) similarities.set(town.id, (similarity = network.score(myTown, town, { explain: false })));
      const context: CandidateContext = {
        townScore: townScore(similarity, sameTown, false).score,
        townDetail: '',
        isTwin: Boolean(row.is_twin),
        history: {
          received: Number(row.received),
          answered: Number(row.answered),
          accepted: Number(row.accepted),
          completed: Number(row.completed),
          closed: Number(row.closed),
        },
        languages: only,
        now,
      };
      const theirs = profile(row);
      return { id: Number(row.id), town, sameTown, theirs, context, score: scorePartner(mine, theirs, context, weights, false).score };
    });
    candidates.sort((x, y) => y.score - x.score || x.id - y.id);

    // The page: the same scores again, now with every reason explained.
    const slice = candidates.slice(opts.start, opts.start + opts.limit).map((c) => {
      const t = townScore(c.sameTown ? undefined : network.score(myTown, c.town), c.sameTown);
      const km = Math.round(haversineKm(myTown.latitude, myTown.longitude, c.town.latitude, c.town.longitude));
      const townDetail = `${t.detail} (${km} km${c.town.country !== myTown.country ? ', across a border' : ''})`;
      return { id: c.id, ...scorePartner(mine, c.theirs, { ...c.context, townDetail }, weights) };
    });
    return { slice, total: candidates.length };
  }

  /** A page of `results` that starts at position `start` of `total` ranked suggestions. */
  private page(results: PartnerSuggestionResult[], start: number, limit: number, total = 0) {
    const edges = results.map((node, i) => ({ cursor: encodeOffset(start + i), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: start + limit < total,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: Promise.resolve(total),
    };
  }
}
