import { CreateTwinLinkDocument, EndTwinLinkDocument, SimilarTownsDocument, TownSimilarityDocument, type SimilarTownsQuery } from '../schema/generated/graphql';
import { auc } from '../src/cli/eval-twins';
import type { Orm } from '../src/db';
import { toGlobalId } from '../src/lib/global-id';
import { foldName, haversineKm } from '../src/lib/text';
import {
  countryTiesScore,
  countryTownPairs,
  experienceScore,
  geographyScore,
  languageScore,
  linkDensity,
  populationScore,
  reachKm,
  scoreTownPair,
  sharedPartnersScore,
  sizeScore,
  TOWN_SIMILARITY_CRITERIA,
  TOWN_SIMILARITY_WEIGHTS,
  type PairFacts,
  type PairNetwork,
  type TownFacts,
} from '../src/modules/matching/town-similarity';
import { createTestApi, expectData, expectErrorCode, type TestApi } from './helpers/api';

const NO_LINKS: PairNetwork = { twinsA: 0, twinsB: 0, sharedPartners: 0, countryLinks: 0, countryTownPairs: 1_000_000, linkDensity: 0 };
const LANGS = {
  FR: [{ language: 'fr', share: 0.97 }, { language: 'en', share: 0.39 }, { language: 'de', share: 0.05 }],
  DE: [{ language: 'de', share: 0.91 }, { language: 'en', share: 0.64 }, { language: 'fr', share: 0.18 }],
  RU: [{ language: 'ru', share: 0.94 }],
  SE: [{ language: 'sv', share: 0.95 }, { language: 'en', share: 0.86 }],
  NO: [{ language: 'nb', share: 1 }],
} as const;

const town = (id: number, country: string, population: number, latitude: number, longitude: number): TownFacts => ({
  id,
  name: `Town ${id}`,
  country,
  population,
  latitude,
  longitude,
});

function pair(a: TownFacts, b: TownFacts, network: Partial<PairNetwork> = {}): PairFacts {
  return {
    languagesA: LANGS[a.country as keyof typeof LANGS] ?? [],
    languagesB: LANGS[b.country as keyof typeof LANGS] ?? [],
    network: { ...NO_LINKS, ...network },
  };
}

const reasonScore = (result: { reasons: { criterion: string; score: number }[] }, criterion: string) =>
  result.reasons.find((r) => r.criterion === criterion)!.score;

describe('scoring (pure)', () => {
  // A French town of 50,000 near Paris.
  const home = town(1, 'FR', 50_000, 48.85, 2.35);
  // The same size across the border, about 600 km away.
  const partner = town(2, 'DE', 52_000, 51.0, 10.3);
  // A village next door, and a city of 3 million 3,000 km away.
  const village = town(3, 'FR', 1_200, 48.88, 2.4);
  const metropolis = town(4, 'RU', 3_000_000, 55.8, 49.1);

  it('ranks a same-size cross-border town at 600 km above a village next door and a huge town 3,000 km away', () => {
    expect(haversineKm(home.latitude, home.longitude, partner.latitude, partner.longitude)).toBeGreaterThan(550);
    expect(haversineKm(home.latitude, home.longitude, partner.latitude, partner.longitude)).toBeLessThan(650);
    expect(haversineKm(home.latitude, home.longitude, metropolis.latitude, metropolis.longitude)).toBeGreaterThan(3000);
    const good = scoreTownPair(home, partner, pair(home, partner));
    const small = scoreTownPair(home, village, pair(home, village));
    const far = scoreTownPair(home, metropolis, pair(home, metropolis));
    expect(good.score).toBeGreaterThan(small.score);
    expect(good.score).toBeGreaterThan(far.score);
  });

  it('is symmetric and every criterion and the total stay within 0–1', () => {
    const ab = scoreTownPair(home, partner, pair(home, partner, { twinsA: 3, twinsB: 1 }));
    const ba = scoreTownPair(partner, home, pair(partner, home, { twinsA: 1, twinsB: 3 }));
    expect(ba.score).toBeCloseTo(ab.score, 12);
    const empty = town(5, 'FR', 0, 0, 0);
    const antipode = town(8, 'SE', 1, -89, -179);
    const extremes = [
      scoreTownPair(empty, empty, pair(empty, empty)),
      scoreTownPair(town(7, 'NO', 9e7, 89, 179), antipode, pair(antipode, antipode, { sharedPartners: 50, twinsA: 999, twinsB: 999, countryLinks: 1e6 })),
    ];
    for (const r of [ab, ...extremes]) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      for (const reason of r.reasons) {
        expect(reason.score).toBeGreaterThanOrEqual(0);
        expect(reason.score).toBeLessThanOrEqual(1);
      }
    }
  });

  it('weights add up to 1 and the total is Σ weight × score', () => {
    const sum = Object.values(TOWN_SIMILARITY_WEIGHTS).reduce((s, w) => s + w, 0);
    expect(sum).toBeCloseTo(1, 12);
    const r = scoreTownPair(home, partner, pair(home, partner, { twinsA: 2, twinsB: 4, sharedPartners: 1, countryLinks: 30 }));
    expect(r.reasons.map((x) => x.criterion)).toEqual(TOWN_SIMILARITY_CRITERIA);
    expect(r.score).toBeCloseTo(r.reasons.reduce((s, x) => s + x.weight * x.score, 0), 12);
  });

  it('a twin of a twin gets the network bonus', () => {
    const plain = scoreTownPair(home, partner, pair(home, partner, { twinsA: 1, twinsB: 1 }));
    const closure = scoreTownPair(home, partner, pair(home, partner, { twinsA: 1, twinsB: 1, sharedPartners: 1, sharedPartnerNames: ['Kraków'] }));
    expect(reasonScore(closure, 'SHARED_PARTNERS')).toBe(0.5);
    expect(closure.score - plain.score).toBeCloseTo(TOWN_SIMILARITY_WEIGHTS.SHARED_PARTNERS * 0.5, 12);
    expect(closure.reasons.find((r) => r.criterion === 'SHARED_PARTNERS')!.detail).toContain('Kraków');
  });

  it('scores each criterion by its documented formula', () => {
    const network: PairNetwork = { twinsA: 2, twinsB: 6, sharedPartners: 2, countryLinks: 40, countryTownPairs: 5_000_000, linkDensity: 2e-6 };
    const r = scoreTownPair(home, partner, { ...pair(home, partner), network });
    const d = haversineKm(home.latitude, home.longitude, partner.latitude, partner.longitude);
    // POPULATION: exp(−|log₁₀(pA/pB)|)
    expect(reasonScore(r, 'POPULATION')).toBeCloseTo(Math.exp(-Math.abs(Math.log10(50_000 / 52_000))), 12);
    // SIZE: clamp(log₁₀(min/1,000)/3, 0, 1)
    expect(reasonScore(r, 'SIZE')).toBeCloseTo(Math.log10(50_000 / 1000) / 3, 12);
    // GEOGRAPHY: f/(1 + (d/R)^1.2), R = 500 (p₋/10,000)^0.25, f = 1 across a border
    const reach = 500 * (50_000 / 10_000) ** 0.25;
    expect(reachKm(50_000)).toBeCloseTo(reach, 9);
    expect(reasonScore(r, 'GEOGRAPHY')).toBeCloseTo(1 / (1 + (d / reach) ** 1.2), 12);
    // LANGUAGE: 1 − Π(1 − a·b) over fr, en, de
    expect(reasonScore(r, 'LANGUAGE')).toBeCloseTo(1 - (1 - 0.97 * 0.18) * (1 - 0.39 * 0.64) * (1 - 0.05 * 0.91), 6);
    // COUNTRY_TIES: ρ = (n + 1)/(E + 1), E = pairs · density = 10; s = ρ/(1 + ρ)
    const rho = 41 / 11;
    expect(reasonScore(r, 'COUNTRY_TIES')).toBeCloseTo(rho / (1 + rho), 12);
    // SHARED_PARTNERS: 1 − 0.5^k
    expect(reasonScore(r, 'SHARED_PARTNERS')).toBeCloseTo(0.75, 12);
    // TWINNING_EXPERIENCE: √(e(tA)·e(tB)), e(t) = t/(t + 2)
    expect(reasonScore(r, 'TWINNING_EXPERIENCE')).toBeCloseTo(Math.sqrt((2 / 4) * (6 / 8)), 12);
  });

  it('follows the principles behind each criterion', () => {
    // Equal sizes score 1; ten times larger e^−1.
    expect(populationScore(20_000, 20_000)).toBe(1);
    expect(populationScore(10_000, 100_000)).toBeCloseTo(Math.exp(-1), 12);
    // Villages hardly twin; a million inhabitants is the top.
    expect(sizeScore(800, 1e6)).toBe(0);
    expect(sizeScore(1e6, 5e6)).toBe(1);
    // Nearer scores higher; across a border higher than at home; bigger towns reach further.
    expect(geographyScore(100, true, 20_000)).toBeGreaterThan(geographyScore(800, true, 20_000));
    expect(geographyScore(300, true, 20_000)).toBeGreaterThan(geographyScore(300, false, 20_000));
    expect(geographyScore(1500, true, 500_000)).toBeGreaterThan(geographyScore(1500, true, 5_000));
    expect(geographyScore(0, true, 5_000)).toBe(1);
    // Swedish and Norwegian count as one language; Russian and French share none.
    const nordic = languageScore(LANGS.SE, LANGS.NO);
    expect(nordic.score).toBeCloseTo(0.95, 12);
    expect(nordic.shared[0]).toMatchObject({ languageA: 'sv', languageB: 'nb' });
    expect(languageScore(LANGS.FR, LANGS.RU).score).toBe(0);
    // As many links as expected gives 0.5; more, closer to 1.
    expect(countryTiesScore(9, 1_000, 0.009).score).toBeCloseTo(0.5, 12);
    expect(countryTiesScore(90, 1_000, 0.009).score).toBeGreaterThan(0.85);
    expect(sharedPartnersScore(0)).toBe(0);
    expect(experienceScore(0, 10)).toBe(0);
    expect(experienceScore(2, 2)).toBeCloseTo(0.5, 12);
    expect(countryTownPairs(4, 4, true)).toBe(6);
    expect(countryTownPairs(4, 5, false)).toBe(20);
    expect(linkDensity(3, 4)).toBe(0.5);
  });

  it('leaves the network criteria out when asked (the evaluation compares both)', () => {
    const r = scoreTownPair(home, partner, pair(home, partner), { network: false, explain: false });
    expect(r.reasons.map((x) => x.criterion)).toEqual(['POPULATION', 'SIZE', 'GEOGRAPHY', 'LANGUAGE']);
    expect(r.reasons.every((x) => x.detail === '')).toBe(true);
  });

  it('AUC of the evaluation: 1 when every positive wins, ½ for ties', () => {
    expect(auc([0.9, 0.8], [0.1, 0.2, 0.3])).toBe(1);
    expect(auc([0.5], [0.5])).toBe(0.5);
    expect(auc([0.2, 0.6], [0.4])).toBe(0.5);
  });
});

/** A small hand-built Europe: names, countries, populations and places where the right order is plain. */
const WORLD = [
  { key: 'home', name: 'Amberville', country: 'FR', population: 50_000, latitude: 48.85, longitude: 2.35 },
  { key: 'partner', name: 'Brückstadt', country: 'DE', population: 52_000, latitude: 51.0, longitude: 10.3 },
  { key: 'village', name: 'Petit-Clos', country: 'FR', population: 3_000, latitude: 48.88, longitude: 2.4 },
  { key: 'metropolis', name: 'Megagrad', country: 'RU', population: 950_000, latitude: 55.8, longitude: 49.1 },
  { key: 'hamlet', name: 'Hameau-sur-Lys', country: 'FR', population: 400, latitude: 48.9, longitude: 2.3 },
  { key: 'twin', name: 'Partnerheim', country: 'DE', population: 40_000, latitude: 49.5, longitude: 8.5 },
  { key: 'twinOfTwin', name: 'Quellenstadt', country: 'PL', population: 45_000, latitude: 52.4, longitude: 16.9 },
  { key: 'italy', name: 'Rivabella', country: 'IT', population: 48_000, latitude: 45.07, longitude: 7.69 },
  { key: 'spain', name: 'Sierraverde', country: 'ES', population: 60_000, latitude: 40.4, longitude: -3.7 },
  { key: 'england', name: 'Eastfield', country: 'GB', population: 55_000, latitude: 52.2, longitude: 0.12 },
  { key: 'lyonnais', name: 'Valrhône', country: 'FR', population: 45_000, latitude: 45.76, longitude: 4.83 },
  { key: 'belgium', name: 'Meuseville', country: 'BE', population: 30_000, latitude: 50.47, longitude: 4.87 },
  { key: 'dutch', name: 'Grachtendam', country: 'NL', population: 70_000, latitude: 52.1, longitude: 5.1 },
  { key: 'swiss', name: 'Seeberg', country: 'CH', population: 25_000, latitude: 47.05, longitude: 8.3 },
  { key: 'austria', name: 'Donaustein', country: 'AT', population: 35_000, latitude: 48.2, longitude: 15.6 },
] as const;
type Key = (typeof WORLD)[number]['key'];
const HOME = WORLD[0];
const km = (t: { latitude: number; longitude: number }) => haversineKm(HOME.latitude, HOME.longitude, t.latitude, t.longitude);
/** The default search band of a town of 50,000: 2,500 to 1,000,000 inhabitants. */
const inBand = (t: { population: number }) => t.population >= 2_500 && t.population <= 1_000_000;
const townsIn = (country: string) => WORLD.filter((t) => t.country === country).length;

async function insertWorld(orm: Orm): Promise<Record<Key, string>> {
  const conn = orm.em.getConnection();
  const ids = {} as Record<Key, string>;
  const local = {} as Record<Key, number>;
  for (const [i, t] of WORLD.entries()) {
    const [row] = await conn.execute<{ id: number }[]>(
      `insert into town (geonames_id, name, search_name, country, population, latitude, longitude)
       values (?, ?, ?, ?, ?, ?, ?) returning id`,
      [9_100_000 + i, t.name, foldName(t.name), t.country, t.population, t.latitude, t.longitude],
    );
    local[t.key] = row!.id;
    ids[t.key] = toGlobalId('Town', row!.id);
  }
  await conn.execute(
    `insert into country_language (country, language, population_percent, official_status) values
     ('FR', 'fr', 97, 'official'), ('FR', 'en', 39, null), ('DE', 'de', 91, 'official'), ('DE', 'en', 64, null),
     ('PL', 'pl', 96, 'official'), ('RU', 'ru', 94, 'official'), ('IT', 'it', 95, 'official'), ('ES', 'es', 99, 'official'),
     ('GB', 'en', 98, 'official'), ('BE', 'fr', 38, 'official'), ('BE', 'nl', 55, 'official'), ('NL', 'nl', 100, 'official'),
     ('CH', 'de', 76, 'official'), ('CH', 'fr', 39, 'official'), ('AT', 'de', 97, 'official')`,
  );
  // home – twin, twin – twinOfTwin, twin – austria: Quellenstadt is a twin of home's twin.
  const links: [Key, Key][] = [['home', 'twin'], ['twin', 'twinOfTwin'], ['twin', 'austria']];
  for (const [a, b] of links) {
    const [x, y] = [local[a], local[b]].sort((p, q) => p - q);
    await conn.execute(`insert into twin_link (town_a_id, town_b_id) values (?, ?)`, [x, y]);
  }
  return ids;
}

describe('similarTowns and townSimilarity through the API', () => {
  let api: TestApi;
  let ids: Record<Key, string>;

  beforeAll(async () => {
    api = await createTestApi();
    ids = await insertWorld(api.orm);
  });
  afterAll(() => api.close());

  const names = (data: SimilarTownsQuery) => data.similarTowns.edges.map((e) => e.node.town.name);

  it('ranks candidates best first, with reasons, leaving out the town itself and its twins', async () => {
    const data = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 100 }));
    const list = names(data);
    expect(list).not.toContain('Amberville');
    expect(list).not.toContain('Partnerheim');
    // A hamlet of 400 is outside the search band of a town of 50,000.
    expect(list).not.toContain('Hameau-sur-Lys');
    expect(data.similarTowns.totalCount).toBe(WORLD.length - 3);
    expect(list.indexOf('Brückstadt')).toBeLessThan(list.indexOf('Petit-Clos'));
    expect(list.indexOf('Brückstadt')).toBeLessThan(list.indexOf('Megagrad'));
    const scores = data.similarTowns.edges.map((e) => e.node.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const { node } of data.similarTowns.edges) {
      expect(node.twinned).toBe(false);
      expect(node.reasons.map((r) => r.criterion)).toEqual(TOWN_SIMILARITY_CRITERIA);
      expect(node.score).toBeCloseTo(node.reasons.reduce((s, r) => s + r.weight * r.score, 0), 9);
      expect(node.reasons.every((r) => r.detail.length > 0)).toBe(true);
    }
    // The twin of the twin gets the triadic-closure bonus, naming the shared partner.
    const tot = data.similarTowns.edges.find((e) => e.node.town.name === 'Quellenstadt')!.node;
    const shared = tot.reasons.find((r) => r.criterion === 'SHARED_PARTNERS')!;
    expect(shared.score).toBe(0.5);
    expect(shared.detail).toContain('Partnerheim');
  });

  it('lists existing twins on request, marked as twinned', async () => {
    const data = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 100, filter: { includeTwins: true } }));
    const twin = data.similarTowns.edges.find((e) => e.node.town.name === 'Partnerheim')!.node;
    expect(twin.twinned).toBe(true);
    expect(data.similarTowns.totalCount).toBe(WORLD.length - 2);
  });

  it('population bounds in the filter replace the search band', async () => {
    const data = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 100, filter: { populationMin: 0 } }));
    const list = names(data);
    expect(list).toContain('Hameau-sur-Lys');
    expect(list.indexOf('Brückstadt')).toBeLessThan(list.indexOf('Hameau-sur-Lys'));
  });

  it('pages forward and backward through the ranking without gaps or repeats', async () => {
    const all = names(expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 100 })));
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: SimilarTownsQuery = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 5, after }));
      seen.push(...names(page));
      expect(page.similarTowns.pageInfo.hasPreviousPage).toBe(after !== null);
      pages++;
      if (!page.similarTowns.pageInfo.hasNextPage) break;
      after = page.similarTowns.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(all.length / 5));
    expect(seen).toEqual(all);

    const last = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, last: 4 }));
    expect(names(last)).toEqual(all.slice(-4));
    expect(last.similarTowns.pageInfo.hasPreviousPage).toBe(true);
    const before = expectData(
      await api.exec(SimilarTownsDocument, { townId: ids.home, last: 3, before: last.similarTowns.pageInfo.startCursor }),
    );
    expect(names(before)).toEqual(all.slice(-7, -4));
    expect(before.similarTowns.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses cursors of another town, garbage cursors and bad page sizes', async () => {
    const page = expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 2 }));
    expectErrorCode(
      await api.exec(SimilarTownsDocument, { townId: ids.partner, first: 2, after: page.similarTowns.pageInfo.endCursor }),
      'BAD_USER_INPUT',
    );
    expectErrorCode(await api.exec(SimilarTownsDocument, { townId: ids.home, after: 'nonsense' }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 101 }), 'BAD_USER_INPUT');
  });

  it('applies every filter', async () => {
    const run = async (filter: Record<string, unknown>) =>
      names(expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first: 100, filter })));
    expect((await run({ countries: ['DE', 'PL'] })).sort()).toEqual(['Brückstadt', 'Quellenstadt']);
    const noGermans = await run({ excludeCountries: ['DE', 'FR'] });
    expect(noGermans).not.toContain('Brückstadt');
    expect(noGermans).not.toContain('Valrhône');
    expect(noGermans).toContain('Rivabella');
    const abroad = await run({ crossBorderOnly: true });
    expect(abroad).not.toContain('Petit-Clos');
    expect(abroad).not.toContain('Valrhône');
    expect(abroad).toContain('Eastfield');
    const candidates = WORLD.filter((t) => t.key !== 'home' && t.key !== 'twin');
    const near = await run({ maxDistanceKm: 500 });
    expect(near.sort()).toEqual(candidates.filter((t) => inBand(t) && km(t) <= 500).map((t) => t.name).sort());
    expect(near).toContain('Petit-Clos');
    const ring = await run({ minDistanceKm: 500, maxDistanceKm: 1000 });
    expect(ring.sort()).toEqual(candidates.filter((t) => inBand(t) && km(t) >= 500 && km(t) <= 1000).map((t) => t.name).sort());
    expect(ring.length).toBeGreaterThan(2);
    const sized = await run({ populationMin: 40_000, populationMax: 60_000 });
    expect(sized.sort()).toEqual(candidates.filter((t) => t.population >= 40_000 && t.population <= 60_000).map((t) => t.name).sort());
    expect(await run({ populationMin: 900_000 })).toEqual(['Megagrad']);
    expect(await run({ populationMax: 1_000 })).toEqual(['Hameau-sur-Lys']);
  });

  it('refuses bad filters and ids with BAD_USER_INPUT, unknown towns with NOT_FOUND', async () => {
    const bad = async (filter: Record<string, unknown>) =>
      expectErrorCode(await api.exec(SimilarTownsDocument, { townId: ids.home, filter }), 'BAD_USER_INPUT');
    await bad({ countries: ['XX'] });
    await bad({ excludeCountries: ['fr'] });
    await bad({ populationMin: 10, populationMax: 1 });
    await bad({ minDistanceKm: 900, maxDistanceKm: 100 });
    await bad({ maxDistanceKm: -5 });
    expectErrorCode(await api.exec(SimilarTownsDocument, { townId: 'not-an-id' }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(SimilarTownsDocument, { townId: toGlobalId('School', 1) }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(SimilarTownsDocument, { townId: toGlobalId('Town', 999_999) }), 'NOT_FOUND');
  });

  it('runs the same number of SQL statements whatever the page size', async () => {
    const counts: number[] = [];
    for (const first of [1, 5, 50]) {
      api.sql.reset();
      expectData(await api.exec(SimilarTownsDocument, { townId: ids.home, first }));
      counts.push(api.sql.count);
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(5);
  });

  it('townSimilarity explains a pair by the same formulas, in either order', async () => {
    const ab = expectData(await api.exec(TownSimilarityDocument, { townA: ids.home, townB: ids.partner })).townSimilarity!;
    const ba = expectData(await api.exec(TownSimilarityDocument, { townA: ids.partner, townB: ids.home })).townSimilarity!;
    expect(ab.town.name).toBe('Brückstadt');
    expect(ba.town.name).toBe('Amberville');
    expect(ba.score).toBeCloseTo(ab.score, 9);
    const d = km(WORLD.find((t) => t.key === 'partner')!);
    const score = (c: string) => ab.reasons.find((r) => r.criterion === c)!.score;
    expect(score('POPULATION')).toBeCloseTo(populationScore(50_000, 52_000), 9);
    expect(score('SIZE')).toBeCloseTo(sizeScore(50_000, 52_000), 9);
    expect(score('GEOGRAPHY')).toBeCloseTo(geographyScore(d, true, 50_000), 9);
    expect(score('LANGUAGE')).toBeCloseTo(1 - (1 - 0.39 * 0.64), 6);
    // One France–Germany link (Amberville–Partnerheim) among 3: ρ = (1 + 1)/(E + 1), E = pairs · 3/(N(N − 1)/2).
    const pairs = countryTownPairs(townsIn('FR'), townsIn('DE'), false);
    const expected = pairs * linkDensity(3, WORLD.length);
    const rho = 2 / (expected + 1);
    expect(score('COUNTRY_TIES')).toBeCloseTo(rho / (1 + rho), 9);
    expect(score('COUNTRY_TIES')).toBeCloseTo(countryTiesScore(1, pairs, linkDensity(3, WORLD.length)).score, 9);
    expect(score('SHARED_PARTNERS')).toBe(0);
    // Brückstadt has no twins yet.
    expect(score('TWINNING_EXPERIENCE')).toBe(0);
    expect(ab.reasons.find((r) => r.criterion === 'GEOGRAPHY')!.detail).toMatch(/km apart, across a border \(France – Germany\)/);
  });

  it('scores an existing pair as if it were new: the link itself never counts', async () => {
    const r = expectData(await api.exec(TownSimilarityDocument, { townA: ids.home, townB: ids.twin })).townSimilarity!;
    expect(r.twinned).toBe(true);
    const reason = (c: string) => r.reasons.find((x) => x.criterion === c)!;
    // Amberville has no other twin; Partnerheim has two others.
    expect(reason('TWINNING_EXPERIENCE').score).toBe(0);
    expect(reason('TWINNING_EXPERIENCE').detail).toBe('Amberville has no other twin towns, Partnerheim has 2 other twin towns.');
    // Their own link is the only France–Germany link: n = 0.
    expect(reason('COUNTRY_TIES').detail).toMatch(/^0 other twin links between France and Germany/);
  });

  it('townSimilarity: null for an unknown town, BAD_USER_INPUT for the same town twice or a malformed id', async () => {
    const missing = expectData(await api.exec(TownSimilarityDocument, { townA: ids.home, townB: toGlobalId('Town', 999_999) }));
    expect(missing.townSimilarity).toBeNull();
    expectErrorCode(await api.exec(TownSimilarityDocument, { townA: ids.home, townB: ids.home }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownSimilarityDocument, { townA: 'garbage', townB: ids.home }), 'BAD_USER_INPUT');
  });

  it('sees a twin link created or ended a moment ago (the network facts kept in memory are versioned)', async () => {
    const similarity = async () => expectData(await api.exec(TownSimilarityDocument, { townA: ids.home, townB: ids.partner })).townSimilarity!;
    const reason = (r: Awaited<ReturnType<typeof similarity>>, c: string) => r.reasons.find((x) => x.criterion === c)!;
    const before = await similarity();
    expect(reason(before, 'SHARED_PARTNERS').score).toBe(0);
    expect(reason(before, 'TWINNING_EXPERIENCE').score).toBe(0);

    const created = expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: ids.partner, townBId: ids.twin } }));
    expect(created.createTwinLink.userErrors).toEqual([]);
    const linked = await similarity();
    // Brückstadt is now twinned with Partnerheim, Amberville's twin: one partner in common, one twin each.
    expect(reason(linked, 'SHARED_PARTNERS').score).toBe(0.5);
    expect(reason(linked, 'SHARED_PARTNERS').detail).toContain('Partnerheim');
    expect(reason(linked, 'TWINNING_EXPERIENCE').score).toBeCloseTo(Math.sqrt((1 / 3) * (1 / 3)), 12);

    const ended = expectData(
      await api.admin.exec(EndTwinLinkDocument, { input: { id: created.createTwinLink.twinLink!.id, endedOn: '2026-01-01' } }),
    );
    expect(ended.endTwinLink.userErrors).toEqual([]);
    const after = await similarity();
    expect(reason(after, 'SHARED_PARTNERS').score).toBe(0);
    expect(after.score).toBeCloseTo(before.score, 12);
  });
});
