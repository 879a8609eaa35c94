import type { EntityManager } from '@mikro-orm/postgresql';
import { TwinLinkStatus } from '../twin-link/twin-link.entity';
import { groupBy } from '../../lib/group-by';
import {
  countryTownPairs,
  languageScore,
  linkDensity,
  scoreTownPair,
  type LanguageScore,
  type LanguageShare,
  type TownFacts,
  type TownSimilarityScore,
} from './town-similarity';

/**
 * SQL for the current version of the network facts (a string), to read along
 * with another statement; see Migration20261127000007_town_network_version.
 */
export const NETWORK_VERSION_SQL = `(select "version" from "town_network_version")::text`;

/** A town at one end of an open twin link: what shared-partner explanations name and order by. */
type LinkedTown = { id: number; name: string; population: number };

/**
 * The facts of town similarity that depend on the whole twin-link network
 * and not on the two towns alone, held in memory: open twin links as an
 * adjacency list, link counts between countries, towns per country and the
 * languages of each country. A few thousand links, well under a megabyte.
 */
export class TownNetwork {
  /** Towns in all (N). */
  readonly towns: number;
  /** Open twin links in all (L). */
  readonly links: number;
  private readonly twins = new Map<number, Set<number>>();
  private readonly linked = new Map<number, LinkedTown>();
  private readonly linksByCountry = new Map<string, Map<string, number>>();
  /** LANGUAGE of each ordered pair of countries asked for so far: a few thousand at most. */
  private readonly languageScores = new Map<string, LanguageScore>();

  constructor(
    readonly version: string,
    links: readonly (readonly [number, number])[],
    linkedTowns: readonly (readonly [number, string, string, number])[],
    readonly townsByCountry: Readonly<Record<string, number>>,
    private readonly languages: ReadonlyMap<string, LanguageShare[]>,
  ) {
    this.towns = Object.values(townsByCountry).reduce((sum, n) => sum + n, 0);
    this.links = links.length;
    const country = new Map<number, string>();
    for (const [id, name, c, population] of linkedTowns) {
      country.set(id, c);
      this.linked.set(id, { id, name, population });
    }
    for (const [a, b] of links) {
      this.addTwin(a, b);
      this.addTwin(b, a);
      const ca = country.get(a);
      const cb = country.get(b);
      if (ca === undefined || cb === undefined) continue;
      // Link ends from each country to each country: a domestic link counts twice, as twin_edge sees it.
      this.countLink(ca, cb);
      this.countLink(cb, ca);
    }
  }

  private addTwin(a: number, b: number) {
    let set = this.twins.get(a);
    if (!set) this.twins.set(a, (set = new Set()));
    set.add(b);
  }

  private countLink(from: string, to: string) {
    let row = this.linksByCountry.get(from);
    if (!row) this.linksByCountry.set(from, (row = new Map()));
    row.set(to, (row.get(to) ?? 0) + 1);
  }

  /** Towns twinned with this one by a link that has not ended. */
  twinsOf(townId: number): ReadonlySet<number> {
    return this.twins.get(townId) ?? EMPTY;
  }

  /** Twin-link ends from one country to another (a link within a country counted twice). */
  countryLinkEnds(from: string, to: string): number {
    return this.linksByCountry.get(from)?.get(to) ?? 0;
  }

  languagesOf(country: string): readonly LanguageShare[] {
    return this.languages.get(country) ?? [];
  }

  /** languageScore of two countries, computed once per snapshot (ranking scores hundreds of towns per call). */
  private languageScoreOf(a: string, b: string): LanguageScore {
    const key = `${a}|${b}`;
    let result = this.languageScores.get(key);
    if (!result) this.languageScores.set(key, (result = languageScore(this.languagesOf(a), this.languagesOf(b))));
    return result;
  }

  /** Towns twinned with both a and b, and the names of the three largest (population, then id). */
  sharedPartners(a: number, b: number): { count: number; names: string[] } {
    const ta = this.twinsOf(a);
    const tb = this.twinsOf(b);
    const [small, large] = ta.size <= tb.size ? [ta, tb] : [tb, ta];
    const shared: LinkedTown[] = [];
    for (const id of small) if (large.has(id)) shared.push(this.linked.get(id) ?? { id, name: String(id), population: 0 });
    shared.sort((x, y) => y.population - x.population || x.id - y.id);
    return { count: shared.length, names: shared.slice(0, 3).map((t) => t.name) };
  }

  /**
   * Scores town b against town a (scoreTownPair) with the network facts of
   * this snapshot; a link between a and b themselves never counts.
   */
  score(a: TownFacts, b: TownFacts, opts: { explain?: boolean } = {}): TownSimilarityScore & { twinned: boolean } {
    const twinned = this.twinsOf(a.id).has(b.id);
    const own = twinned ? 1 : 0;
    const same = a.country === b.country;
    const ends = this.countryLinkEnds(a.country, b.country);
    const shared = this.sharedPartners(a.id, b.id);
    const result = scoreTownPair(
      a,
      b,
      {
        languagesA: this.languagesOf(a.country),
        languagesB: this.languagesOf(b.country),
        language: this.languageScoreOf(a.country, b.country),
        network: {
          twinsA: this.twinsOf(a.id).size - own,
          twinsB: this.twinsOf(b.id).size - own,
          sharedPartners: shared.count,
          sharedPartnerNames: shared.names,
          countryLinks: Math.max(0, (same ? ends / 2 : ends) - own),
          countryTownPairs: countryTownPairs(this.townsByCountry[a.country] ?? 0, this.townsByCountry[b.country] ?? 0, same),
          linkDensity: linkDensity(this.links, this.towns),
        },
      },
      opts,
    );
    return { ...result, twinned };
  }
}

const EMPTY: ReadonlySet<number> = new Set();
const OPEN = `l."status" <> '${TwinLinkStatus.ENDED}'`;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** The whole snapshot in one statement, with the version it was read at. */
async function load(em: EntityManager): Promise<TownNetwork> {
  const [row] = await em.getConnection().execute<{ version: string; links: unknown; linked: unknown; towns: unknown; languages: unknown }[]>(
    `select ${NETWORK_VERSION_SQL} as "version",
            (select coalesce(json_agg(json_build_array(l."town_a_id", l."town_b_id")), '[]') from "twin_link" l where ${OPEN})::text as "links",
            (select coalesce(json_agg(json_build_array(t."id", t."name", trim(t."country"), t."population")), '[]')
               from "town" t
              where t."id" in (select l."town_a_id" from "twin_link" l where ${OPEN} union select l."town_b_id" from "twin_link" l where ${OPEN}))::text as "linked",
            (select coalesce(json_object_agg(x.c, x.n), '{}') from (select trim(t."country") as c, count(*)::int as n from "town" t group by 1) x)::text as "towns",
            (select coalesce(json_agg(json_build_array(trim(cl."country"), cl."language", cl."population_percent")), '[]') from "country_language" cl)::text as "languages"`,
    [],
    'all',
    em.getTransactionContext(),
  );
  const languages = groupBy(
    json<[string, string, number][]>(row!.languages),
    ([country]) => country,
    ([, language, percent]): LanguageShare => ({ language, share: Number(percent) / 100 }),
  );
  return new TownNetwork(
    String(row!.version),
    json<[number, number][]>(row!.links),
    json<[number, string, string, number][]>(row!.linked),
    json<Record<string, number>>(row!.towns),
    languages,
  );
}

/** The latest snapshot per database (keyed by the ORM's connection), or the load in flight. */
const CACHE = new WeakMap<object, { version: string; network: Promise<TownNetwork> }>();

/**
 * The network facts at `version` (read by the caller with NETWORK_VERSION_SQL
 * in one of its own statements): from memory when the version is the one
 * held, otherwise loaded in one statement. A load may return a newer version
 * than asked for (a change committed in between); it is kept under the
 * version it was read at.
 */
export function townNetwork(em: EntityManager, version: string): Promise<TownNetwork> {
  const key = em.getConnection();
  const held = CACHE.get(key);
  if (held && held.version === version) return held.network;
  const network = load(em);
  const entry = { version, network };
  CACHE.set(key, entry);
  network.then(
    (n) => {
      if (CACHE.get(key) === entry) CACHE.set(key, { version: n.version, network });
    },
    () => {
      if (CACHE.get(key) === entry) CACHE.delete(key);
    },
  );
  return network;
}
