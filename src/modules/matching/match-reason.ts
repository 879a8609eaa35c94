import { Field, Float, ObjectType } from 'type-graphql';

/**
 * One criterion of a match score, shared by town similarity and class
 * partner suggestions: the total is Σ weight · score over the reasons.
 */
@ObjectType({
  description:
    'One criterion behind a match score: its weight, how well this pair meets it (0–1) and a plain-language explanation. ' +
    'The total score is the sum of weight × score over all reasons.',
})
export class MatchReason {
  @Field(() => String, {
    description:
      'The criterion, an upper-case name such as POPULATION or GEOGRAPHY. The field that returns the reasons lists the criteria it uses and their formulas.',
  })
  criterion!: string;

  @Field(() => Float, { description: 'Weight of the criterion in the total score, 0–1; the weights of one score add up to 1.' })
  weight!: number;

  @Field(() => Float, { description: 'How well the pair meets the criterion, from 0 (not at all) to 1 (fully).' })
  score!: number;

  @Field(() => String, { description: 'Why, in plain English, with the figures used (e.g. "612 km apart, across a border").' })
  detail!: string;
}
