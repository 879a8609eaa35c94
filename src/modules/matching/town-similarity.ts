import countries from 'i18n-iso-countries';
import { languageName } from '../../lib/codes';
import { haversineKm } from '../../lib/text';

/**
 * Town similarity: how likely two towns are to make good twins, the way
 * towns really choose partners. Pure functions, no database: the service
 * (town-similarity.service.ts) and the offline evaluation (cli/eval-twins.ts)
 * feed them the same facts.
 *
 * Every criterion scores 0–1; the total is Σ wᵢ·sᵢ with weights summing to 1
 * (TOWN_SIMILARITY_WEIGHTS). A and B are the two towns, pA and pB their
 * populations, p₋ = min(pA, pB), d their great-circle distance in km:
 *
 * - POPULATION  similar size: s = exp(−|log₁₀(pA / pB)|) — 1 for equal
 *               populations, 0.37 when one is 10× the other, 0.14 at 100×.
 * - SIZE        civic capacity of the smaller town: s = clamp(log₁₀(p₋ / 1,000) / 3, 0, 1)
 *               — 0 up to 1,000 inhabitants, 0.33 at 10,000, 0.67 at 100,000, 1 from 1,000,000.
 *               Larger towns twin far more often; a pair is as active as its smaller town.
 * - GEOGRAPHY   a gravity profile: s = f / (1 + (d / R)^1.2), R = 500 km × (p₋ / 10,000)^0.25
 *               (p₋ clamped to 1,000–10,000,000, so R runs from 281 to 2,812 km): bigger towns
 *               reach further. f = 1 across a border, 0.6 within one country.
 * - LANGUAGE    chance that two inhabitants share a language: s = 1 − Π_l (1 − a_l · b_l),
 *               a_l and b_l the shares of each country's population speaking l (CLDR);
 *               close languages count as one (Danish/Norwegian/Swedish, Czech/Slovak,
 *               Bosnian/Croatian/Serbian).
 * - COUNTRY_TIES  how strongly the two countries are already linked: ρ = (n + 1) / (E + 1),
 *               n = twin links between them (within the country for a domestic pair),
 *               E = P · L / (N(N − 1)/2) the links expected if links were spread evenly over
 *               all pairs of towns (P pairs of towns between the two countries, L links and
 *               N towns in all); s = ρ / (1 + ρ), so 0.5 is average and more means closer ties.
 * - SHARED_PARTNERS  triadic closure, twins of my twins: s = 1 − 0.5^k, k = towns twinned
 *               with both (0.5 for one, 0.75 for two …).
 * - TWINNING_EXPERIENCE  towns that already twin, twin again: s = √(e(tA) · e(tB)),
 *               e(t) = t / (t + 2), t = a town's twin links not counting one between A and B.
 *
 * The network criteria (the last three) use the twin links present at the
 * time; a link between A and B themselves never counts, so an existing pair
 * is scored as if it were a new one. Why a gravity profile and not a peak at
 * a few hundred km: the distances of real twins peak at 400–800 km only
 * because there are more towns at that range; per candidate town, the chance
 * to be a twin falls with distance at every range (twin pairs against random
 * pairs, `npm run eval:twins`).
 */
export enum TownSimilarityCriterion {
  POPULATION = 'POPULATION',
  SIZE = 'SIZE',
  GEOGRAPHY = 'GEOGRAPHY',
  LANGUAGE = 'LANGUAGE',
  COUNTRY_TIES = 'COUNTRY_TIES',
  SHARED_PARTNERS = 'SHARED_PARTNERS',
  TWINNING_EXPERIENCE = 'TWINNING_EXPERIENCE',
}

/** Weights of the criteria (sum 1). */
export const TOWN_SIMILARITY_WEIGHTS: Readonly<Record<TownSimilarityCriterion, number>> = {
  POPULATION: 0.1,
  SIZE: 0.2,
  GEOGRAPHY: 0.2,
  LANGUAGE: 0.05,
  COUNTRY_TIES: 0.1,
  SHARED_PARTNERS: 0.2,
  TWINNING_EXPERIENCE: 0.15,
};

/** Criteria computed from existing twin links (switched off to measure how much rests on them). */
export const NETWORK_CRITERIA: ReadonlySet<TownSimilarityCriterion> = new Set([
  TownSimilarityCriterion.COUNTRY_TIES,
  TownSimilarityCriterion.SHARED_PARTNERS,
  TownSimilarityCriterion.TWINNING_EXPERIENCE,
]);

/** The criteria in the order reasons are listed. */
export const TOWN_SIMILARITY_CRITERIA: readonly TownSimilarityCriterion[] = Object.values(TownSimilarityCriterion);

/** Constants of the formulas above; the service also pre-ranks candidates in SQL with them. */
export const SIMILARITY_CONSTANTS = {
  /** SIZE: score 0 at or below this population … */
  sizeFloor: 1_000,
  /** … rising by 1/3 per factor of ten (1 at 1,000,000). */
  sizeDecades: 3,
  /** GEOGRAPHY: reach R of two towns of 10,000 inhabitants, km. */
  reachKm: 500,
  reachReferencePopulation: 10_000,
  reachPopulationExponent: 0.25,
  reachPopulationMin: 1_000,
  reachPopulationMax: 10_000_000,
  distanceExponent: 1.2,
  /** GEOGRAPHY: factor for two towns in the same country (twinning is mostly international). */
  domesticFactor: 0.6,
  /** TWINNING_EXPERIENCE: twin links at which e(t) = 0.5. */
  experienceHalf: 2,
} as const;

const C = SIMILARITY_CONSTANTS;

/** What the scoring needs to know about a town. */
export type TownFacts = {
  id: number;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  population: number;
  latitude: number;
  longitude: number;
};

/** A language of a country and the share of its population that speaks it (0–1). */
export type LanguageShare = { language: string; share: number };

/** Twin-link facts about a pair of towns; the link between the two, if any, is never counted. */
export type PairNetwork = {
  /** Twin links of A, not counting one with B. */
  twinsA: number;
  /** Twin links of B, not counting one with A. */
  twinsB: number;
  /** Towns twinned with both A and B. */
  sharedPartners: number;
  /** Names of some of them, for the explanation. */
  sharedPartnerNames?: readonly string[];
  /** Twin links between A's and B's countries (within the country if the same), not counting one between A and B. */
  countryLinks: number;
  /** Pairs of towns between the two countries (N_A·N_B, or N(N−1)/2 within one country). */
  countryTownPairs: number;
  /** All twin links per pair of towns: L / (N(N−1)/2). */
  linkDensity: number;
};

export type PairFacts = {
  languagesA: readonly LanguageShare[];
  languagesB: readonly LanguageShare[];
  /** languageScore(languagesA, languagesB) when the caller keeps it (it depends on the two countries only). */
  language?: LanguageScore;
  network: PairNetwork;
};

export type TownSimilarityReason = {
  criterion: TownSimilarityCriterion;
  weight: number;
  score: number;
  detail: string;
};

export type TownSimilarityScore = {
  /** Σ weight · score over the reasons, 0–1. */
  score: number;
  reasons: TownSimilarityReason[];
};

export type ScoreOptions = {
  /** Include the network criteria (default true). The evaluation switches them off to compare. */
  network?: boolean;
  /** Build the plain-language details (default true; the evaluation skips them). */
  explain?: boolean;
};

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-GB');
const pct = (share: number) => `${Math.round(share * 100)}%`;

export function countryName(code: string): string {
  return countries.getName(code, 'en') ?? code;
}

/** POPULATION: exp(−|log₁₀(pA / pB)|); populations below 1 count as 1. */
export function populationScore(pA: number, pB: number): number {
  return Math.exp(-Math.abs(Math.log10(Math.max(pA, 1) / Math.max(pB, 1))));
}

/** SIZE: clamp(log₁₀(min(pA, pB) / 1,000) / 3, 0, 1). */
export function sizeScore(pA: number, pB: number): number {
  const smaller = Math.max(Math.min(pA, pB), 1);
  return clamp(Math.log10(smaller / C.sizeFloor) / C.sizeDecades, 0, 1);
}

/** GEOGRAPHY's reach R in km for a pair whose smaller town has `smallerPopulation` inhabitants. */
export function reachKm(smallerPopulation: number): number {
  const p = clamp(smallerPopulation, C.reachPopulationMin, C.reachPopulationMax);
  return C.reachKm * (p / C.reachReferencePopulation) ** C.reachPopulationExponent;
}

/** GEOGRAPHY: f / (1 + (d / R)^1.2), f = 1 across a border and 0.6 within a country. */
export function geographyScore(distanceKm: number, crossBorder: boolean, smallerPopulation: number): number {
  const f = crossBorder ? 1 : C.domesticFactor;
  return f / (1 + (Math.max(distanceKm, 0) / reachKm(smallerPopulation)) ** C.distanceExponent);
}

/**
 * Languages close enough to be understood by speakers of the others; each
 * group counts as one language in LANGUAGE.
 */
const CLOSE_LANGUAGES: Readonly<Record<string, string>> = {
  da: 'scandinavian',
  nb: 'scandinavian',
  nn: 'scandinavian',
  no: 'scandinavian',
  sv: 'scandinavian',
  cs: 'czech-slovak',
  sk: 'czech-slovak',
  bs: 'bcs',
  hr: 'bcs',
  sr: 'bcs',
};

type GroupShare = { group: string; language: string; share: number };

function byGroup(languages: readonly LanguageShare[]): Map<string, GroupShare> {
  const out = new Map<string, GroupShare>();
  for (const { language, share } of languages) {
    const group = CLOSE_LANGUAGES[language] ?? language;
    const prev = out.get(group);
    if (!prev || share > prev.share) out.set(group, { group, language, share: clamp(share, 0, 1) });
  }
  return out;
}

export type SharedLanguage = { languageA: string; languageB: string; shareA: number; shareB: number };

/** LANGUAGE: 1 − Π_l (1 − a_l · b_l) over the languages (or close-language groups) of both countries. */
export type LanguageScore = { score: number; shared: SharedLanguage[] };

export function languageScore(a: readonly LanguageShare[], b: readonly LanguageShare[]): LanguageScore {
  const groupsA = byGroup(a);
  const groupsB = byGroup(b);
  let none = 1;
  const shared: SharedLanguage[] = [];
  for (const [group, ga] of groupsA) {
    const gb = groupsB.get(group);
    if (!gb || ga.share <= 0 || gb.share <= 0) continue;
    none *= 1 - ga.share * gb.share;
    shared.push({ languageA: ga.language, languageB: gb.language, shareA: ga.share, shareB: gb.share });
  }
  shared.sort((x, y) => y.shareA * y.shareB - x.shareA * x.shareB || x.languageA.localeCompare(y.languageA));
  return { score: 1 - none, shared };
}

/** COUNTRY_TIES: ρ = (n + 1) / (E + 1), E = pairs · density; s = ρ / (1 + ρ). */
export function countryTiesScore(countryLinks: number, countryTownPairs: number, linkDensity: number): { score: number; ratio: number } {
  const expected = Math.max(countryTownPairs, 0) * Math.max(linkDensity, 0);
  const ratio = (Math.max(countryLinks, 0) + 1) / (expected + 1);
  return { score: ratio / (1 + ratio), ratio };
}

/** SHARED_PARTNERS: 1 − 0.5^k. */
export function sharedPartnersScore(shared: number): number {
  return 1 - 0.5 ** Math.max(shared, 0);
}

/** TWINNING_EXPERIENCE: √(e(tA) · e(tB)), e(t) = t / (t + 2). */
export function experienceScore(twinsA: number, twinsB: number): number {
  const e = (t: number) => Math.max(t, 0) / (Math.max(t, 0) + C.experienceHalf);
  return Math.sqrt(e(twinsA) * e(twinsB));
}

/** Pairs of towns between two countries with nA and nB towns (within one country: n(n − 1)/2). */
export function countryTownPairs(nA: number, nB: number, sameCountry: boolean): number {
  return sameCountry ? (nA * (nA - 1)) / 2 : nA * nB;
}

/** Twin links per pair of towns: L / (N(N − 1)/2); 0 with fewer than two towns. */
export function linkDensity(links: number, towns: number): number {
  return towns > 1 ? links / ((towns * (towns - 1)) / 2) : 0;
}

function twinsPhrase(name: string, n: number): string {
  return `${name} has ${n === 0 ? 'no' : n} other twin town${n === 1 ? '' : 's'}`;
}

/**
 * Scores a pair of towns on every criterion. Symmetric: swapping A and B
 * gives the same score (the details name the towns in the order given).
 */
export function scoreTownPair(a: TownFacts, b: TownFacts, facts: PairFacts, opts: ScoreOptions = {}): TownSimilarityScore {
  const withNetwork = opts.network ?? true;
  const explain = opts.explain ?? true;
  const distance = haversineKm(a.latitude, a.longitude, b.latitude, b.longitude);
  const crossBorder = a.country !== b.country;
  const smaller = Math.min(a.population, b.population);
  const net = facts.network;
  const reasons: TownSimilarityReason[] = [];
  const add = (criterion: TownSimilarityCriterion, score: number, detail: () => string) => {
    if (!withNetwork && NETWORK_CRITERIA.has(criterion)) return;
    reasons.push({ criterion, weight: TOWN_SIMILARITY_WEIGHTS[criterion], score, detail: explain ? detail() : '' });
  };

  add(TownSimilarityCriterion.POPULATION, populationScore(a.population, b.population), () => {
    const ratio = Math.max(a.population, 1) / Math.max(b.population, 1);
    const r = ratio >= 1 ? ratio : 1 / ratio;
    return `Populations ${fmtInt(a.population)} and ${fmtInt(b.population)} (${r < 1.05 ? 'about the same' : `one ${r.toFixed(1)}× the other`}).`;
  });
  add(TownSimilarityCriterion.SIZE, sizeScore(a.population, b.population), () =>
    `The smaller town has ${fmtInt(smaller)} inhabitants; larger towns have the associations, schools and staff that keep a twinning alive.`,
  );
  add(TownSimilarityCriterion.GEOGRAPHY, geographyScore(distance, crossBorder, smaller), () =>
    `${fmtInt(distance)} km apart, ${crossBorder ? `across a border (${countryName(a.country)} – ${countryName(b.country)})` : `both in ${countryName(a.country)}`}; ` +
    `towns of this size typically twin within about ${fmtInt(reachKm(smaller))} km.`,
  );
  const lang = facts.language ?? languageScore(facts.languagesA, facts.languagesB);
  add(TownSimilarityCriterion.LANGUAGE, lang.score, () => {
    if (lang.shared.length === 0) return 'No language widely spoken in both countries (CLDR).';
    const parts = lang.shared.slice(0, 3).map((s) =>
      s.languageA === s.languageB
        ? `${languageName(s.languageA)} (${pct(s.shareA)} and ${pct(s.shareB)})`
        : `${languageName(s.languageA)} ~ ${languageName(s.languageB)} (${pct(s.shareA)} and ${pct(s.shareB)})`,
    );
    return `Spoken in both countries (share of the population): ${parts.join(', ')}.`;
  });
  const ties = countryTiesScore(net.countryLinks, net.countryTownPairs, net.linkDensity);
  add(TownSimilarityCriterion.COUNTRY_TIES, ties.score, () => {
    const where = crossBorder ? `between ${countryName(a.country)} and ${countryName(b.country)}` : `within ${countryName(a.country)}`;
    return `${net.countryLinks} other twin link${net.countryLinks === 1 ? '' : 's'} ${where}: ${ties.ratio.toFixed(1)}× the average for countries of their size.`;
  });
  add(TownSimilarityCriterion.SHARED_PARTNERS, sharedPartnersScore(net.sharedPartners), () => {
    if (net.sharedPartners === 0) return 'No twin town in common.';
    const names = net.sharedPartnerNames ?? [];
    const more = net.sharedPartners - names.length;
    const list = names.length > 0 ? `: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}` : '';
    return `${net.sharedPartners} twin town${net.sharedPartners === 1 ? '' : 's'} in common${list}.`;
  });
  add(TownSimilarityCriterion.TWINNING_EXPERIENCE, experienceScore(net.twinsA, net.twinsB), () =>
    `${twinsPhrase(a.name, net.twinsA)}, ${twinsPhrase(b.name, net.twinsB)}.`,
  );

  const score = reasons.reduce((sum, r) => sum + r.weight * r.score, 0);
  return { score, reasons };
}
