import { mulberry32 } from '../src/lib/random';
import {
  DEFAULT_PARTNER_WEIGHTS,
  languageFit,
  normaliseWeights,
  PartnerCriterion,
  scorePartner,
  type CandidateContext,
  type ClassProfile,
} from '../src/modules/matching/partner-score';
import { CEFR_ORDER } from '../src/modules/school-class/school-class.entity';

/**
 * partnerSuggestions ranks a few hundred candidates by scorePartner without
 * reasons (explain false), a path of its own that builds no text and no
 * lists, then explains the page. The two must give the same score to the
 * last bit, or a page could be ordered differently from its own scores.
 */

const LANGUAGES = ['de', 'en', 'es', 'fr', 'it', 'pl', 'sv'];
const TAGS = ['ENVIRONMENT', 'HISTORY', 'MUSIC', 'SPORT', 'ART', 'SCIENCE'];

function profiles(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[], max: number) => Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(xs));
  const day = (d: number) => new Date(Date.UTC(2027, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
  const profile = (id: number): ClassProfile => {
    const ageMin = 6 + Math.floor(rnd() * 10);
    const windows = Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => {
      const start = i * 120 + Math.floor(rnd() * 60);
      return { startsOn: day(start), endsOn: day(start + Math.floor(rnd() * 50)) };
    });
    return {
      id,
      ageMin,
      ageMax: ageMin + Math.floor(rnd() * 5),
      pupilCount: 5 + Math.floor(rnd() * 30),
      themes: some(TAGS, 3), // duplicates on purpose: Jaccard is over sets
      subjects: some(TAGS, 2),
      offers: new Set(some(LANGUAGES, 2)),
      learns: new Map(some(LANGUAGES, 3).map((l) => [l, pick(CEFR_ORDER)] as [string, string])),
      windows,
      updatedAt: new Date(Date.UTC(2026, 10, 1) - Math.floor(rnd() * 200) * 86_400_000),
    };
  };
  const context = (): CandidateContext => {
    const received = Math.floor(rnd() * 5);
    const closed = Math.floor(rnd() * 4);
    return {
      townScore: rnd(),
      townDetail: 'Towns',
      isTwin: rnd() < 0.3,
      history: { received, answered: Math.floor(rnd() * (received + 1)), accepted: Math.floor(rnd() * (received + 1)), completed: Math.floor(rnd() * (closed + 1)), closed },
      languages: rnd() < 0.2 ? new Set(some(LANGUAGES, 2)) : undefined,
      now: new Date(Date.UTC(2026, 10, 28)),
    };
  };
  return { profile, context, rnd };
}

it('scores to the last bit alike with and without reasons, over 5,000 random pairs and weightings', () => {
  const { profile, context, rnd } = profiles(42);
  const weightings = [
    DEFAULT_PARTNER_WEIGHTS,
    normaliseWeights({ LANGUAGE: 1, THEMES: 3, AVAILABILITY: 0 }),
    normaliseWeights({ TOWN: 0.7, FRESHNESS: 2, RELIABILITY: 0.01 }),
  ];
  let tandems = 0;
  for (let i = 0; i < 5_000; i += 1) {
    const a = profile(2 * i);
    const b = profile(2 * i + 1);
    const ctx = context();
    const weights = weightings[Math.floor(rnd() * weightings.length)]!;
    const explained = scorePartner(a, b, ctx, weights, true);
    const ranked = scorePartner(a, b, ctx, weights, false);
    expect(ranked.score).toBe(explained.score);
    expect(ranked.reasons).toEqual([]);
    expect(explained.reasons.map((r) => r.criterion)).toEqual(Object.values(PartnerCriterion));
    expect(languageFit(a, b, ctx.languages, false).score).toBe(languageFit(a, b, ctx.languages, true).score);
    if (languageFit(a, b, ctx.languages).detail.startsWith('Reciprocal')) tandems += 1;
  }
  // The pairs cover full tandems (where the CEFR gap counts), not only one-way matches.
  expect(tandems).toBeGreaterThan(50);
});

it('counts shared themes and subjects over sets: duplicates do not weigh twice', () => {
  const { profile, context } = profiles(7);
  const a = { ...profile(1), themes: ['MUSIC', 'MUSIC', 'ART'], subjects: [] };
  const b = { ...profile(2), themes: ['MUSIC', 'SPORT', 'SPORT'], subjects: [] };
  const themes = scorePartner(a, b, context(), DEFAULT_PARTNER_WEIGHTS).reasons.find((r) => r.criterion === PartnerCriterion.THEMES)!;
  expect(themes.score).toBeCloseTo(1 / 3, 9); // {MUSIC} of {MUSIC, ART, SPORT}
  expect(themes.detail).toContain('MUSIC');
});
