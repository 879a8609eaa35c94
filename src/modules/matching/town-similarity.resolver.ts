import { Arg, Args, Ctx, Field, Float, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { connectionType } from '../common/connection';
import { filterId } from '../common/filters';
import { PageArgs } from '../common/pagination';
import { Town } from '../town/town.entity';
import { MatchReason } from './match-reason';
import { TOWN_SIMILARITY_WEIGHTS, type TownSimilarityCriterion } from './town-similarity';
import { CANDIDATES, SEARCH_BAND, TownSimilarityService } from './town-similarity.service';

const w = (c: `${TownSimilarityCriterion}`) => TOWN_SIMILARITY_WEIGHTS[c as TownSimilarityCriterion].toFixed(2);

const CRITERIA_DOC =
  'Criteria (each scored 0–1; A and B the towns, p their populations, p₋ the smaller, d the distance in km): ' +
  `POPULATION (weight ${w('POPULATION')}) exp(−|log₁₀(pA/pB)|), 1 for equal sizes, 0.37 when one is 10× the other; ` +
  `SIZE (${w('SIZE')}) clamp(log₁₀(p₋/1,000)/3, 0, 1), larger towns twin far more; ` +
  `GEOGRAPHY (${w('GEOGRAPHY')}) f/(1 + (d/R)^1.2), R = 500 km × (p₋/10,000)^0.25 (p₋ within 1,000–10,000,000), f = 1 across a border and 0.6 within a country; ` +
  `LANGUAGE (${w('LANGUAGE')}) 1 − Π(1 − a·b) over the languages spoken in both countries, a and b the shares of each population (CLDR), close languages (Scandinavian, Czech/Slovak, Bosnian/Croatian/Serbian) counting as one; ` +
  `COUNTRY_TIES (${w('COUNTRY_TIES')}) ρ/(1 + ρ), ρ = (n + 1)/(E + 1), n the twin links between the two countries, E the number expected if links were spread evenly over all pairs of towns; ` +
  `SHARED_PARTNERS (${w('SHARED_PARTNERS')}) 1 − 0.5^k, k the towns twinned with both; ` +
  `TWINNING_EXPERIENCE (${w('TWINNING_EXPERIENCE')}) √(e(tA)·e(tB)), e(t) = t/(t + 2), t a town's twin links. ` +
  'Twin links are those that have not ended; a link between A and B themselves is never counted.';

@ObjectType({
  description:
    'How well a town suits another as a twin: a total score and the criteria behind it. ' +
    'Town similarity reflects how towns really choose partners (population, size, geography, languages and existing twin links).',
})
export class TownSimilarity {
  @Field(() => Town, { description: 'The town compared (the candidate partner; `townB` of `townSimilarity`).' })
  town!: Town;

  @Field(() => Float, { description: 'Similarity, 0–1: the sum of weight × score over the reasons. Higher is a likelier partner.' })
  score!: number;

  @Field(() => [MatchReason], { description: `One reason per criterion, in a fixed order. ${CRITERIA_DOC}` })
  reasons!: MatchReason[];

  @Field(() => Boolean, { description: 'Whether the two towns are already twinned (a link that has not ended).' })
  twinned!: boolean;
}

export const TownSimilarityConnection = connectionType(TownSimilarity, 'TownSimilarity', 'similar towns');

@InputType({ description: 'Conditions on the towns `similarTowns` may suggest; all given conditions must hold.' })
export class SimilarTownsFilter {
  @Field(() => [String], { nullable: true, description: 'Only towns in these countries, ISO 3166-1 alpha-2 (e.g. ["FR", "DE"]); at most 100.' })
  countries?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'No towns in these countries, ISO 3166-1 alpha-2; at most 100.' })
  excludeCountries?: string[] | null;

  @Field(() => Float, { nullable: true, description: 'Smallest great-circle distance from the town, km (0–20,100).' })
  minDistanceKm?: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest great-circle distance from the town, km (0–20,100).' })
  maxDistanceKm?: number | null;

  @Field(() => Int, { nullable: true, description: 'Smallest population (inclusive).' })
  populationMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Largest population (inclusive).' })
  populationMax?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only towns in other countries than the town\'s own (default false).' })
  crossBorderOnly?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also list towns already twinned with this one (default false: only new partners).',
  })
  includeTwins?: boolean | null;
}

@Resolver()
export class TownSimilarityResolver {
  @Query(() => TownSimilarityConnection, {
    description:
      'Towns that would suit a town as twins, best first (score, then id). ' +
      `The candidates are chosen in the database: the ${CANDIDATES.byFit} best by the population, size and geography criteria ` +
      `(among towns of 1/${SEARCH_BAND.populationFactor} to ${SEARCH_BAND.populationFactor} times the population within ` +
      `max(${SEARCH_BAND.minRadiusKm.toLocaleString('en-GB')} km, ${SEARCH_BAND.reachMultiple}R), unless the filter sets population or distance bounds), ` +
      `the ${CANDIDATES.byExperience} best of the towns that already have twins, and the ${CANDIDATES.byNetwork} best of the twins of the town's twins; ` +
      'they are then scored on every criterion (see `TownSimilarity.reasons`) and ranked. ' +
      'Towns already twinned with this one are left out unless `filter.includeTwins`. ' +
      'Cursors are positions in this ranking: use them with the same town and filter. NOT_FOUND if there is no such town.',
  })
  async similarTowns(
    @Arg('townId', () => ID, { description: 'Global id of the town to find partners for.' }) townId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SimilarTownsFilter, { nullable: true, description: 'Conditions the suggested towns must meet.' })
    filter: SimilarTownsFilter | null,
    @Ctx() ctx: Context,
  ) {
    return new TownSimilarityService(ctx.em).similarTowns(filterId(townId, 'Town', 'townId'), page, filter);
  }

  @Query(() => TownSimilarity, {
    nullable: true,
    description:
      'How well two towns suit each other as twins, with the reasons; `town` is townB. ' +
      'Symmetric: swapping the towns gives the same score. Null when either town does not exist; BAD_USER_INPUT when they are the same.',
  })
  townSimilarity(
    @Arg('townA', () => ID, { description: 'Global id of the first town.' }) townA: string,
    @Arg('townB', () => ID, { description: 'Global id of the second town.' }) townB: string,
    @Ctx() ctx: Context,
  ) {
    return new TownSimilarityService(ctx.em).compare(filterId(townA, 'Town', 'townA'), filterId(townB, 'Town', 'townB'));
  }
}
