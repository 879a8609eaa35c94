import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { NearInput, SortDirection } from '../common/pagination';

@InputType({ description: 'Filters for towns; all given conditions must hold.' })
export class TownFilter {
  @Field(() => String, { nullable: true, description: 'Country, ISO 3166-1 alpha-2 (e.g. "FR").' })
  country?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Name prefix, case- and accent-insensitive: "gote" finds Göteborg. 1–100 characters.',
  })
  nameSearch?: string | null;

  @Field(() => Int, { nullable: true, description: 'Smallest population (inclusive).' })
  populationMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Largest population (inclusive).' })
  populationMax?: number | null;

  @Field(() => NearInput, { nullable: true, description: 'Only towns within `radiusKm` of a point (great-circle distance).' })
  near?: NearInput | null;
}

export enum TownOrderField {
  NAME = 'NAME',
  POPULATION = 'POPULATION',
}
registerEnumType(TownOrderField, { name: 'TownOrderField', description: 'Fields towns can be sorted by.' });

@InputType({ description: 'Sort order for towns. Default: population, largest first.' })
export class TownOrder {
  @Field(() => TownOrderField, { description: 'Field to sort by.' })
  field!: TownOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction (default ASC).' })
  direction: SortDirection = SortDirection.ASC;
}
