import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/pagination';
import { PairingMode, SchoolClass } from '../school-class/school-class.entity';
import { MatchReason } from './match-reason';

@InputType({ description: 'Narrows partner suggestions; all given conditions must hold.' })
export class PartnerSuggestionFilter {
  @Field(() => [String], { nullable: true, description: 'Only partners in these countries (ISO 3166-1 alpha-2).' })
  countries?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'No partners in these countries.' })
  excludeCountries?: string[] | null;

  @Field(() => Float, { nullable: true, description: 'Only partners at least this far away (km, great-circle between towns).' })
  minDistanceKm?: number | null;

  @Field(() => Float, { nullable: true, description: 'Only partners at most this far away (km).' })
  maxDistanceKm?: number | null;

  @Field(() => [String], { nullable: true, description: 'Only exchange these languages (ISO 639-1): the language criterion and candidates use only them.' })
  languages?: string[] | null;

  @Field(() => [PairingMode], { nullable: true, description: 'Only partners open to one of these ways of working.' })
  modes?: PairingMode[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only partners in towns twinned with yours.' })
  twinTownsOnly?: boolean | null;
}

@InputType({
  description:
    'Relative weights of the criteria (any numbers ≥ 0; they are normalised to sum 1). Omitted ones keep their default: ' +
    'language 0.30, age 0.12, size 0.05, town 0.10, themes 0.08, availability 0.08, twinTown 0.12, reliability 0.08, freshness 0.07.',
})
export class PartnerWeightsInput {
  @Field(() => Float, { nullable: true, description: 'LANGUAGE: reciprocal language fit. r₁ = 1 if the candidate learns a language your class is taught in, r₂ = 1 if it is taught in a language your class learns; score (r₁ + r₂)/2, and for a full tandem × (1 − 0.1·Δ), Δ the smallest gap in CEFR steps between the two learners\' levels (0–5).' })
  LANGUAGE?: number | null;

  @Field(() => Float, { nullable: true, description: 'AGE: pupil age overlap, |ages A ∩ ages B| / |ages A ∪ ages B| in whole years.' })
  AGE?: number | null;

  @Field(() => Float, { nullable: true, description: 'SIZE: class-size ratio, min(pupils) / max(pupils).' })
  SIZE?: number | null;

  @Field(() => Float, { nullable: true, description: 'TOWN: similarity of the two towns, the score of `townSimilarity` (0–1).' })
  TOWN?: number | null;

  @Field(() => Float, { nullable: true, description: 'THEMES: mean of the Jaccard indices of themes and of subjects (over the categories either class lists; 0 if none).' })
  THEMES?: number | null;

  @Field(() => Float, { nullable: true, description: 'AVAILABILITY: days of overlapping availability windows / the smaller of the two classes\' total available days; 0 when either lists none.' })
  AVAILABILITY?: number | null;

  @Field(() => Float, { nullable: true, description: 'TWIN_TOWN: 1 when the towns are twinned (a link that has not ended), else 0.' })
  TWIN_TOWN?: number | null;

  @Field(() => Float, { nullable: true, description: 'RELIABILITY: mean of (answered + 1)/(received + 2) and (accepted + 1)/(received + 2) over proposals the candidate received (answered, or older than 14 days), and (completed + 1)/(closed + 2) over its exchanges that were COMPLETED or CANCELLED; 0.5 with no history.' })
  RELIABILITY?: number | null;

  @Field(() => Float, { nullable: true, description: 'FRESHNESS: exp(−d/60), d the days since the candidate\'s listing was last updated.' })
  FRESHNESS?: number | null;
}

@ObjectType({ description: 'A suggested partner class with its score and the reasons for it.' })
export class PartnerSuggestion {
  @Field(() => SchoolClass, { description: 'The suggested class.' })
  schoolClass!: SchoolClass;

  @Field(() => Float, { description: 'Total score 0–1: Σ weight × criterion score.' })
  score!: number;

  @Field(() => [MatchReason], { description: 'Each criterion with its weight, score (0–1) and a plain-language detail.' })
  reasons!: MatchReason[];
}

@ObjectType({ description: 'A page of partner suggestions, best first (ties broken by class id).' })
export class PartnerSuggestionConnection {
  @Field(() => [PartnerSuggestionEdge], { description: 'The suggestions of this page.' })
  edges!: PartnerSuggestionEdge[];

  @Field(() => PageInfo, { description: 'Whether more suggestions follow.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Number of ranked suggestions (at most 300: the best candidates by a SQL pre-score).' })
  totalCount!: number;
}

@ObjectType({ description: 'An edge of partner suggestions.' })
export class PartnerSuggestionEdge {
  @Field(() => String, { description: 'Cursor (a position in the ranking) for `after`.' })
  cursor!: string;

  @Field(() => PartnerSuggestion, { description: 'The suggestion.' })
  node!: PartnerSuggestion;
}

@ObjectType({ description: 'Supply and demand of one language among classes looking for partners.' })
export class LanguageDemand {
  @Field(() => String, { description: 'ISO 639-1 code.' })
  language!: string;

  @Field(() => String, { description: 'English name of the language.' })
  name!: string;

  @Field(() => Int, {
    description: 'Classes taught in it that could partner the learners: outside the country when one is given, else anywhere.',
  })
  offeringClasses!: number;

  @Field(() => Int, { description: 'Classes learning it (in the country, when one is given).' })
  learningClasses!: number;

  @Field(() => Int, {
    description: 'Learning classes left without an offering class if every offering class took one learner: max(0, learning − offering).',
  })
  unmatchedDemand!: number;
}
