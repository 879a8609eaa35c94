import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, NotFoundError } from '../../lib/errors';
import { filterCountry } from '../common/filters';
import { pageRequest, type ConnectionResult, type PageArgs } from '../common/pagination';
import { Town } from '../town/town.entity';
import { TwinLinkStatus } from '../twin-link/twin-link.entity';
import { reachKm, SIMILARITY_CONSTANTS as K, TOWN_SIMILARITY_WEIGHTS as W, type TownFacts, type TownSimilarityReason } from './town-similarity';
import { NETWORK_VERSION_SQL, townNetwork, type TownNetwork } from './town-network';
import { placeholders } from '../../lib/sql';

/** Conditions on the towns `similarTowns` may suggest (the GraphQL input has the same fields). */
export type SimilarTownsFilterValues = {
  countries?: string[] | null;
  excludeCountries?: string[] | null;
  minDistanceKm?: number | null;
  maxDistanceKm?: number | null;
  populationMin?: number | null;
  populationMax?: number | null;
  crossBorderOnly?: boolean | null;
  includeTwins?: boolean | null;
};

/** One scored town: what `TownSimilarity` resolves from. */
export type TownSimilarityResult = {
  town: Town;
  score: number;
  reasons: TownSimilarityReason[];
  /** Whether the two towns are twinned already (a link that has not ended). */
  twinned: boolean;
};

/**
 * Candidates `similarTowns` ranks: the best towns by the population, size and
 * geography criteria (pre-ranked in SQL with the same formulas), the best of
 * the towns that already have twins, and the best of the twins of the town's twins.
 */
export const CANDIDATES = { byFit: 300, byExperience: 150, byNetwork: 100 } as const;

const OPEN = `e.status <> '${TwinLinkStatus.ENDED}'`;

const EARTH_KM = 6371;
const MAX_DISTANCE_KM = 20_100;

type TownRow = Record<string, unknown> & {
  id: number;
  name: string;
  country: string;
  population: number;
  latitude: number;
  longitude: number;
};
type VersionedRow = TownRow & { __network_version: string };

/** What scoring needs of a town row (the rest of the row is the Town entity). */
export function facts(row: TownRow): TownFacts {
  return {
    id: Number(row.id),
    name: row.name,
    country: String(row.country).trim(),
    population: Number(row.population),
    latitude: Number(row.latitude),
    longitude: Number(row.longitude),
  };
}

/** Great-circle distance (km) from a fixed point to the town of alias t, as SQL with its parameters. */
function distanceSql(lat: number, lon: number): { sql: string; params: unknown[] } {
  return {
    sql: `(2 * ${EARTH_KM} * asin(least(1, sqrt(power(sin(radians(t.latitude - ?::float8) / 2), 2) + cos(radians(?::float8)) * cos(radians(t.latitude)) * power(sin(radians(t.longitude - ?::float8) / 2), 2)))))`,
    params: [lat, lat, lon],
  };
}

/**
 * The POPULATION, SIZE and GEOGRAPHY part of the score, in SQL, to pre-rank
 * candidates. Same formulas and constants as town-similarity.ts; the final
 * score is always computed there.
 */
function fitSql(a: TownFacts): { sql: string; params: unknown[] } {
  const d = distanceSql(a.latitude, a.longitude);
  const pA = Math.max(a.population, 1);
  const smaller = `least(t.population, ?::float8)`;
  const population = `exp(-abs(log(greatest(t.population, 1)::float8 / ?::float8)))`;
  const size = `least(1, greatest(0, log(greatest(${smaller}, 1) / ?::float8) / ?::float8))`;
  const reach = `(?::float8 * power(least(greatest(${smaller}, ?::float8), ?::float8) / ?::float8, ?::float8))`;
  const geography = `((case when t.country = ? then ?::float8 else 1 end) / (1 + power(${d.sql} / ${reach}, ?::float8)))`;
  return {
    sql: `(?::float8 * ${population} + ?::float8 * ${size} + ?::float8 * ${geography})`,
    params: [
      W.POPULATION, pA,
      W.SIZE, pA, K.sizeFloor, K.sizeDecades,
      W.GEOGRAPHY, a.country, K.domesticFactor, ...d.params,
      K.reachKm, pA, K.reachPopulationMin, K.reachPopulationMax, K.reachReferencePopulation, K.reachPopulationExponent,
      K.distanceExponent,
    ],
  };
}

function countryList(values: readonly string[], argument: string): string[] {
  if (values.length > 100) throw new BadUserInputError(`${argument}: at most 100 countries.`, { argument });
  return [...new Set(values.map((v) => filterCountry(v, argument)))];
}

/** WHERE fragments (alias t) for the filter, relative to the town a. */
function filterSql(a: TownFacts, filter: SimilarTownsFilterValues | null | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = ['t.id <> ?'];
  const params: unknown[] = [a.id];
  const f = filter ?? {};
  if (!f.includeTwins) {
    where.push(`t.id not in (select e.other_town_id from twin_edge e where e.town_id = ? and ${OPEN})`);
    params.push(a.id);
  }
  if (f.countries != null) {
    const list = countryList(f.countries, 'filter.countries');
    if (list.length === 0) where.push('false');
    else {
      where.push(`t.country in (${placeholders(list)})`);
      params.push(...list);
    }
  }
  if (f.excludeCountries != null && f.excludeCountries.length > 0) {
    const list = countryList(f.excludeCountries, 'filter.excludeCountries');
    where.push(`t.country not in (${placeholders(list)})`);
    params.push(...list);
  }
  if (f.crossBorderOnly) {
    where.push('t.country <> ?');
    params.push(a.country);
  }
  if (f.populationMin != null && f.populationMax != null && f.populationMin > f.populationMax) {
    throw new BadUserInputError('filter.populationMin must not exceed filter.populationMax.', { argument: 'filter.populationMin' });
  }
  if (f.populationMin != null) {
    where.push('t.population >= ?');
    params.push(f.populationMin);
  }
  if (f.populationMax != null) {
    where.push('t.population <= ?');
    params.push(f.populationMax);
  }
  for (const [name, value] of [['minDistanceKm', f.minDistanceKm], ['maxDistanceKm', f.maxDistanceKm]] as const) {
    if (value != null && !(value >= 0 && value <= MAX_DISTANCE_KM)) {
      throw new BadUserInputError(`filter.${name} must be between 0 and ${MAX_DISTANCE_KM} km.`, { argument: `filter.${name}` });
    }
  }
  if (f.minDistanceKm != null && f.maxDistanceKm != null && f.minDistanceKm > f.maxDistanceKm) {
    throw new BadUserInputError('filter.minDistanceKm must not exceed filter.maxDistanceKm.', { argument: 'filter.minDistanceKm' });
  }
  const d = distanceSql(a.latitude, a.longitude);
  if (f.maxDistanceKm != null) {
    const box = boxSql(a, f.maxDistanceKm);
    where.push(...box.where, `${d.sql} <= ?::float8`);
    params.push(...box.params, ...d.params, f.maxDistanceKm);
  }
  if (f.minDistanceKm != null && f.minDistanceKm > 0) {
    where.push(`${d.sql} >= ?::float8`);
    params.push(...d.params, f.minDistanceKm);
  }
  return { where, params };
}

/**
 * A latitude/longitude box around the town a that contains every point
 * within radiusKm, so the (latitude, longitude) index can narrow a scan.
 */
function boxSql(a: TownFacts, radiusKm: number): { where: string[]; params: unknown[] } {
  const dLat = radiusKm / 111.045;
  const where = ['t.latitude between ? and ?'];
  const params: unknown[] = [a.latitude - dLat, a.latitude + dLat];
  const cosLat = Math.max(Math.cos((Math.min(Math.abs(a.latitude) + dLat, 90) * Math.PI) / 180), 0.01);
  const dLon = radiusKm / (111.045 * cosLat);
  if (dLon >= 180) return { where, params };
  const lo = a.longitude - dLon;
  const hi = a.longitude + dLon;
  // Boxes that cross the antimeridian wrap around.
  if (lo < -180) {
    where.push('(t.longitude >= ? or t.longitude <= ?)');
    params.push(lo + 360, hi);
  } else if (hi > 180) {
    where.push('(t.longitude >= ? or t.longitude <= ?)');
    params.push(lo, hi - 360);
  } else {
    where.push('t.longitude between ? and ?');
    params.push(lo, hi);
  }
  return { where, params };
}

/**
 * Where the best-fit candidates are looked for: towns of 1/20 to 20 times
 * the population (at least 1,000 taken as the town's own) unless the filter
 * sets population bounds, within max(1,500 km, 4R) of it (R the GEOGRAPHY
 * reach) unless the filter sets distance bounds. Beyond that the population,
 * size and geography criteria leave a town little chance of the first pages;
 * towns with twins and twins of twins are looked for without the band.
 */
export const SEARCH_BAND = { populationFactor: 20, minRadiusKm: 1500, reachMultiple: 4 } as const;

function bandSql(a: TownFacts, filter: SimilarTownsFilterValues | null | undefined): { where: string[]; params: unknown[] } {
  const f = filter ?? {};
  const p = Math.max(a.population, K.sizeFloor);
  const where: string[] = [];
  const params: unknown[] = [];
  // Bounds the caller sets replace the band (filterSql applies them).
  if (f.populationMin == null && f.populationMax == null) {
    where.push('t.population between ? and ?');
    params.push(Math.floor(p / SEARCH_BAND.populationFactor), Math.ceil(p * SEARCH_BAND.populationFactor));
  }
  if (f.minDistanceKm == null && f.maxDistanceKm == null) {
    const box = boxSql(a, Math.max(SEARCH_BAND.minRadiusKm, SEARCH_BAND.reachMultiple * reachKm(p)));
    where.push(...box.where);
    params.push(...box.params);
  }
  return { where, params };
}

type CursorPayload = ['similarTowns', number, number];

function encodeCursor(townId: number, index: number): string {
  return Buffer.from(JSON.stringify(['similarTowns', townId, index] satisfies CursorPayload), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, townId: number): number {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError('Invalid cursor.', { argument: 'after/before' });
  }
  if (
    !Array.isArray(payload) ||
    payload.length !== 3 ||
    payload[0] !== 'similarTowns' ||
    !Number.isInteger(payload[2]) ||
    (payload[2] as number) < 0
  ) {
    throw new BadUserInputError('Invalid cursor.', { argument: 'after/before' });
  }
  if (payload[1] !== townId) {
    throw new BadUserInputError('This cursor belongs to the similar towns of another town; start again without a cursor.', {
      argument: 'after/before',
    });
  }
  return payload[2] as number;
}

/**
 * Town similarity against the database: the towns' own facts come from SQL,
 * the network facts (twin links, country ties, languages) from the in-memory
 * TownNetwork, reloaded only when its version changes. Scoring happens in
 * TypeScript (town-similarity.ts).
 */
export class TownSimilarityService {
  constructor(private readonly em: EntityManager) {}

  private sql<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(sql, params, 'all', this.em.getTransactionContext());
  }

  /** The anchor town with the network version; null if there is none. */
  private async anchor(townId: number): Promise<VersionedRow | null> {
    const [row] = await this.sql<VersionedRow>(`select t.*, ${NETWORK_VERSION_SQL} as "__network_version" from town t where t.id = ?`, [townId]);
    return row ?? null;
  }

  private network(row: VersionedRow): Promise<TownNetwork> {
    return townNetwork(this.em, String(row.__network_version));
  }

  private score(anchor: TownRow, rows: TownRow[], network: TownNetwork): TownSimilarityResult[] {
    const a = facts(anchor);
    return rows.map((row) => {
      const { score, reasons, twinned } = network.score(a, facts(row));
      const { __network_version: _v, ...data } = row as VersionedRow;
      return { town: this.em.map(Town, data), score, reasons, twinned };
    });
  }

  /**
   * Towns most similar to a town, best first (score, then id), as a
   * connection. Candidates come from SQL (see CANDIDATES); the cursor is the
   * position in the ranked list, valid for the same town and filter.
   */
  async similarTowns(
    townId: number,
    args: PageArgs,
    filter?: SimilarTownsFilterValues | null,
  ): Promise<ConnectionResult<TownSimilarityResult>> {
    const page = pageRequest(args);
    const after = page.after != null ? decodeCursor(page.after, townId) : null;
    const before = page.before != null ? decodeCursor(page.before, townId) : null;
    const anchor = await this.anchor(townId);
    if (!anchor) throw new NotFoundError('No town with this id.');
    const a = facts(anchor);
    const where = filterSql(a, filter);
    const band = bandSql(a, filter);
    const fit = fitSql(a);
    const whereSql = where.where.join(' and ');
    const source = {
      sql: `(select t.id from town t where ${[...where.where, ...band.where].join(' and ')}
              order by ${fit.sql} desc, t.id limit ${CANDIDATES.byFit})
            union
            (select t.id from town t where t.id = any(array(select e.town_id from twin_edge e where ${OPEN})) and ${whereSql}
              order by ${fit.sql} desc, t.id limit ${CANDIDATES.byExperience})
            union
            (select t.id from town t
              where t.id = any(array(select e2.other_town_id from twin_edge e1 join twin_edge e2 on e2.town_id = e1.other_town_id
                                      where e1.town_id = ? and e1.status <> '${TwinLinkStatus.ENDED}' and e2.status <> '${TwinLinkStatus.ENDED}'))
                and ${whereSql}
              order by ${fit.sql} desc, t.id limit ${CANDIDATES.byNetwork})`,
      params: [...where.params, ...band.params, ...fit.params, ...where.params, ...fit.params, a.id, ...where.params, ...fit.params],
    };
    const [rows, network] = await Promise.all([
      this.sql<TownRow>(`with cand as (${source.sql}) select t.* from town t where t.id = any(array(select id from cand))`, source.params),
      this.network(anchor),
    ]);
    const ranked = this.score(anchor, rows, network).sort((x, y) => y.score - x.score || x.town.id - y.town.id);

    // The window between the cursors, then `first` from its start or `last` from its end.
    const lo = after != null ? after + 1 : 0;
    const hi = before != null ? Math.min(before, ranked.length) : ranked.length;
    const window = Math.max(0, hi - lo);
    const take = Math.min(page.limit, window);
    const start = page.backward ? hi - take : lo;
    const edges = ranked.slice(start, start + take).map((node, i) => ({ cursor: encodeCursor(townId, start + i), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: start + take < ranked.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: Promise.resolve(ranked.length),
    };
  }

  /**
   * Scores other towns against one town (`townSimilarity`), in one statement
   * whatever their number (two when the network facts changed). Towns that
   * do not exist are left out; the map is keyed by town id.
   */
  async scoreTowns(townId: number, otherIds: readonly number[]): Promise<Map<number, TownSimilarityResult>> {
    const ids = [...new Set(otherIds)].filter((id) => id !== townId);
    const out = new Map<number, TownSimilarityResult>();
    if (ids.length === 0) return out;
    const rows = await this.sql<VersionedRow>(
      `select t.*, ${NETWORK_VERSION_SQL} as "__network_version" from town t where t.id in (${placeholders([townId, ...ids])})`,
      [townId, ...ids],
    );
    const anchor = rows.find((r) => Number(r.id) === townId);
    const others = rows.filter((r) => r !== anchor);
    if (!anchor || others.length === 0) return out;
    for (const result of this.score(anchor, others, await this.network(anchor))) out.set(result.town.id, result);
    return out;
  }

  /** The similarity of two towns; null when either does not exist. */
  async compare(townAId: number, townBId: number): Promise<TownSimilarityResult | null> {
    if (townAId === townBId) {
      throw new BadUserInputError('townA and townB must be two different towns.', { argument: 'townB' });
    }
    return (await this.scoreTowns(townAId, [townBId])).get(townBId) ?? null;
  }
}
