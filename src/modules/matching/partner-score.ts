import { CEFR_ORDER, type CefrLevel } from '../school-class/school-class.entity';

/**
 * Partner matching for classes: each criterion scores 0–1, the total is the
 * weighted mean Σ wᵢ·sᵢ / Σ wᵢ. Formulas (A = the class asking, B = a candidate):
 *
 * - LANGUAGE  reciprocal language fit. r₁ = 1 if B learns a language A is taught in,
 *             r₂ = 1 if B is taught in a language A learns. s = (r₁ + r₂)/2, and for a
 *             full tandem × (1 − 0.1·Δ), Δ = the smallest gap in CEFR steps between
 *             B's level in A's language and A's level in B's language (0–5).
 * - AGE       pupil age overlap: |[minA,maxA] ∩ [minB,maxB]| / |[minA,maxA] ∪ [minB,maxB]|
 *             counted in whole years.
 * - SIZE      class-size ratio: min(nA, nB) / max(nA, nB).
 * - TOWN      similarity of the two towns (townSimilarity, 0–1).
 * - THEMES    shared interests: mean of the Jaccard indices of themes and of subjects
 *             (over the categories where at least one class lists something; 0 if none).
 * - AVAILABILITY  overlapping days of the availability windows / the smaller of the two
 *             classes' total available days; 0 when either lists none.
 * - TWIN_TOWN 1 when the towns are twinned (a link that has not ended), else 0.
 * - RELIABILITY  how B answers proposals and finishes exchanges: the mean of
 *             (answered + 1)/(received + 2) and (accepted + 1)/(received + 2), over proposals
 *             B received that were answered or are older than 14 days, and
 *             (completed + 1)/(closed + 2), over B's exchanges that were COMPLETED or
 *             CANCELLED (Laplace smoothing: 0.5 with no history).
 * - FRESHNESS listing freshness: exp(−d/60), d = days since B's listing was last updated.
 */
export enum PartnerCriterion {
  LANGUAGE = 'LANGUAGE',
  AGE = 'AGE',
  SIZE = 'SIZE',
  TOWN = 'TOWN',
  THEMES = 'THEMES',
  AVAILABILITY = 'AVAILABILITY',
  TWIN_TOWN = 'TWIN_TOWN',
  RELIABILITY = 'RELIABILITY',
  FRESHNESS = 'FRESHNESS',
}

export type PartnerWeights = Record<PartnerCriterion, number>;

/** Default weights (sum 1): language fit first, as the guide's key 6 and teachers ask. */
export const DEFAULT_PARTNER_WEIGHTS: PartnerWeights = {
  LANGUAGE: 0.3,
  AGE: 0.12,
  SIZE: 0.05,
  TOWN: 0.1,
  THEMES: 0.08,
  AVAILABILITY: 0.08,
  TWIN_TOWN: 0.12,
  RELIABILITY: 0.08,
  FRESHNESS: 0.07,
};

export type ClassProfile = {
  id: number;
  ageMin: number;
  ageMax: number;
  pupilCount: number;
  themes: string[];
  subjects: string[];
  /** Languages of instruction. */
  offers: Set<string>;
  /** Learned languages with their CEFR level. */
  learns: Map<string, string>;
  windows: { startsOn: string; endsOn: string }[];
  updatedAt: Date;
};

export type CandidateContext = {
  townScore: number;
  townDetail: string;
  isTwin: boolean;
  history: { received: number; answered: number; accepted: number; completed: number; closed: number };
  /** Restrict the language criterion to these languages (the filter), if given. */
  languages?: Set<string>;
  now: Date;
};

export type Reason = { criterion: PartnerCriterion; weight: number; score: number; detail: string };

const level = (l: string) => CEFR_ORDER.indexOf(l as CefrLevel);

/** languageFit's score alone, without building its lists (the ranking of a few hundred candidates). */
function languageScore(a: ClassProfile, b: ClassProfile, only?: Set<string>): number {
  let gap = 5;
  let r1 = 0;
  let r2 = 0;
  for (const x of a.offers) if (b.learns.has(x) && (!only || only.has(x))) r1 = 1;
  for (const y of b.offers) if (a.learns.has(y) && (!only || only.has(y))) r2 = 1;
  const score = (r1 + r2) / 2;
  if (!(r1 && r2)) return score;
  for (const x of a.offers) {
    if (!b.learns.has(x) || (only && !only.has(x))) continue;
    for (const y of b.offers) {
      if (!a.learns.has(y) || (only && !only.has(y))) continue;
      gap = Math.min(gap, Math.abs(level(b.learns.get(x)!) - level(a.learns.get(y)!)));
    }
  }
  return score * (1 - 0.1 * gap);
}

export function languageFit(a: ClassProfile, b: ClassProfile, only?: Set<string>, explain = true): { score: number; detail: string } {
  if (!explain) return { score: languageScore(a, b, only), detail: '' };
  const keep = (l: string) => !only || only.has(l);
  const aToB = [...a.offers].filter((l) => b.learns.has(l) && keep(l));
  const bToA = [...b.offers].filter((l) => a.learns.has(l) && keep(l));
  const r1 = aToB.length > 0 ? 1 : 0;
  const r2 = bToA.length > 0 ? 1 : 0;
  let score = (r1 + r2) / 2;
  let gap = 5;
  if (r1 && r2) {
    for (const x of aToB) for (const y of bToA) gap = Math.min(gap, Math.abs(level(b.learns.get(x)!) - level(a.learns.get(y)!)));
    score *= 1 - 0.1 * gap;
  }
  if (!explain) return { score, detail: '' };
  const parts: string[] = [];
  if (r1) parts.push(`they learn ${aToB.map((l) => `${l} (${b.learns.get(l)})`).join(', ')}, which you teach in`);
  if (r2) parts.push(`they teach in ${bToA.map((l) => `${l}, which you learn (${a.learns.get(l)})`).join('; ')}`);
  if (r1 && r2) parts.push(gap === 0 ? 'levels match' : `levels ${gap} CEFR step${gap > 1 ? 's' : ''} apart`);
  return { score, detail: parts.length ? `${r1 && r2 ? 'Reciprocal tandem' : 'One-way'}: ${parts.join('; ')}` : 'No language to exchange' };
}

export function ageOverlap(a: ClassProfile, b: ClassProfile): number {
  const overlap = Math.max(0, Math.min(a.ageMax, b.ageMax) - Math.max(a.ageMin, b.ageMin) + 1);
  const union = Math.max(a.ageMax, b.ageMax) - Math.min(a.ageMin, b.ageMin) + 1;
  return overlap / union;
}

function jaccard(x: string[], y: string[]): number | null {
  if (x.length === 0 && y.length === 0) return null;
  const a = new Set(x);
  const b = new Set<string>();
  let shared = 0;
  for (const v of y) {
    if (b.has(v)) continue;
    b.add(v);
    if (a.has(v)) shared += 1;
  }
  return shared / (a.size + b.size - shared);
}

function days(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Overlapping days / the smaller total; windows of one class are assumed not to overlap each other. */
export function availabilityOverlap(a: ClassProfile, b: ClassProfile): { score: number; days: number } {
  const total = (w: ClassProfile['windows']) => w.reduce((n, x) => n + days(x.startsOn, x.endsOn), 0);
  const ta = total(a.windows);
  const tb = total(b.windows);
  if (ta === 0 || tb === 0) return { score: 0, days: 0 };
  let overlap = 0;
  for (const x of a.windows) {
    for (const y of b.windows) {
      const start = x.startsOn > y.startsOn ? x.startsOn : y.startsOn;
      const end = x.endsOn < y.endsOn ? x.endsOn : y.endsOn;
      if (start <= end) overlap += days(start, end);
    }
  }
  return { score: Math.min(1, overlap / Math.min(ta, tb)), days: overlap };
}

/** Normalises weights to sum 1; throws on negatives or all zeros (the caller maps it to BAD_USER_INPUT). */
export function normaliseWeights(overrides: Partial<Record<PartnerCriterion, number | null>> = {}): PartnerWeights {
  const merged = { ...DEFAULT_PARTNER_WEIGHTS };
  for (const [k, v] of Object.entries(overrides)) {
    if (v == null) continue;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`weight ${k} must be a number ≥ 0`);
    merged[k as PartnerCriterion] = v;
  }
  const sum = Object.values(merged).reduce((s, v) => s + v, 0);
  if (sum <= 0) throw new RangeError('at least one weight must be above 0');
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v / sum])) as PartnerWeights;
}

/**
 * Scores candidate B for class A; see the module comment for each formula.
 * With `explain` false every detail is '' (the scores are the same): the
 * ranking of a few hundred candidates needs no text, only the page does.
 */
export function scorePartner(
  a: ClassProfile,
  b: ClassProfile,
  ctx: CandidateContext,
  weights: PartnerWeights,
  explain = true,
): { score: number; reasons: Reason[] } {
  if (!explain) return { score: partnerScore(a, b, ctx, weights), reasons: [] };
  const text = (detail: () => string) => detail();
  const lang = languageFit(a, b, ctx.languages, explain);
  const { age, size, themes, avail, reliability, ageDays, freshness } = measures(a, b, ctx);
  const { received, answered, accepted, completed, closed } = ctx.history;
  const raw: [PartnerCriterion, number, string][] = [
    [PartnerCriterion.LANGUAGE, lang.score, lang.detail],
    [PartnerCriterion.AGE, age, text(() => `Ages ${b.ageMin}–${b.ageMax} against ${a.ageMin}–${a.ageMax}`)],
    [PartnerCriterion.SIZE, size, text(() => `${b.pupilCount} pupils against ${a.pupilCount}`)],
    [PartnerCriterion.TOWN, ctx.townScore, ctx.townDetail],
    [
      PartnerCriterion.THEMES,
      themes,
      text(() => {
        const shared = [...a.themes.filter((t) => b.themes.includes(t)), ...a.subjects.filter((t) => b.subjects.includes(t))];
        return shared.length ? `Shared: ${shared.join(', ')}` : 'No shared themes or subjects';
      }),
    ],
    [PartnerCriterion.AVAILABILITY, avail.score, text(() => (avail.days ? `${avail.days} days available in common` : 'No common availability listed'))],
    [PartnerCriterion.TWIN_TOWN, ctx.isTwin ? 1 : 0, text(() => (ctx.isTwin ? 'The towns are twinned' : 'The towns are not twinned'))],
    [
      PartnerCriterion.RELIABILITY,
      reliability,
      text(() =>
        [
          received ? `Answered ${answered} of ${received} proposals, accepted ${accepted}` : 'No proposal history yet',
          closed ? `completed ${completed} of ${closed} finished exchanges` : 'no finished exchanges yet',
        ].join('; '),
      ),
    ],
    [PartnerCriterion.FRESHNESS, freshness, text(() => `Listing updated ${Math.floor(ageDays)} days ago`)],
  ];
  const reasons = raw.map(([criterion, score, detail]) => ({ criterion, weight: weights[criterion], score: round(score), detail }));
  const score = round(reasons.reduce((s, r) => s + r.weight * r.score, 0));
  return { score, reasons };
}

/** The criteria besides LANGUAGE, TOWN and TWIN_TOWN, as both scorePartner and partnerScore use them. */
function measures(a: ClassProfile, b: ClassProfile, ctx: CandidateContext) {
  const age = ageOverlap(a, b);
  const size = Math.min(a.pupilCount, b.pupilCount) / Math.max(a.pupilCount, b.pupilCount);
  const themeJ = jaccard(a.themes, b.themes);
  const subjectJ = jaccard(a.subjects, b.subjects);
  const themes = themeJ === null ? (subjectJ ?? 0) : subjectJ === null ? themeJ : (themeJ + subjectJ) / 2;
  const avail = availabilityOverlap(a, b);
  const { received, answered, accepted, completed, closed } = ctx.history;
  const reliability = ((answered + 1) / (received + 2) + (accepted + 1) / (received + 2) + (completed + 1) / (closed + 2)) / 3;
  const ageDays = Math.max(0, (ctx.now.getTime() - b.updatedAt.getTime()) / 86_400_000);
  const freshness = Math.exp(-ageDays / 60);
  return { age, size, themes, avail, reliability, ageDays, freshness };
}

/**
 * scorePartner's score without its reasons: the same rounded criteria
 * summed in the same order, so the same number to the last bit (asserted
 * in tests/partner-score.test.ts), for ranking a few hundred candidates.
 */
function partnerScore(a: ClassProfile, b: ClassProfile, ctx: CandidateContext, weights: PartnerWeights): number {
  const { age, size, themes, avail, reliability, freshness } = measures(a, b, ctx);
  let sum = 0;
  sum += weights.LANGUAGE * round(languageScore(a, b, ctx.languages));
  sum += weights.AGE * round(age);
  sum += weights.SIZE * round(size);
  sum += weights.TOWN * round(ctx.townScore);
  sum += weights.THEMES * round(themes);
  sum += weights.AVAILABILITY * round(avail.score);
  sum += weights.TWIN_TOWN * round(ctx.isTwin ? 1 : 0);
  sum += weights.RELIABILITY * round(reliability);
  sum += weights.FRESHNESS * round(freshness);
  return round(sum);
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
