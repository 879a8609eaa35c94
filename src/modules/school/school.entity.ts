import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

export enum SchoolKind {
  PRIMARY = 'PRIMARY',
  LOWER_SECONDARY = 'LOWER_SECONDARY',
  UPPER_SECONDARY = 'UPPER_SECONDARY',
  VOCATIONAL = 'VOCATIONAL',
  OTHER = 'OTHER',
}
registerEnumType(SchoolKind, {
  name: 'SchoolKind',
  description: 'Level of a school, roughly ISCED 1–3.',
  valuesConfig: {
    PRIMARY: { description: 'Primary school (ISCED 1, pupils about 6–11).' },
    LOWER_SECONDARY: { description: 'Lower secondary (ISCED 2, pupils about 11–15).' },
    UPPER_SECONDARY: { description: 'Upper secondary, general (ISCED 3, pupils about 15–19).' },
    VOCATIONAL: { description: 'Vocational school (ISCED 3–4).' },
    OTHER: { description: 'Any other kind of school.' },
  },
});

/** A school in a town. */
@ObjectType({ implements: Node, description: 'A school in a town, with its classes.' })
@Entity({ tableName: 'school' })
export class School implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'instructionLanguages';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  townId!: number;

  @Field(() => String, { description: 'Name of the school (1–200 characters).' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => SchoolKind, { description: 'Level of the school.' })
  @Property({ type: 'string', length: 20 })
  kind!: SchoolKind;

  @Field(() => Int, { nullable: true, description: 'Number of pupils in the whole school, when known.' })
  @Property({ type: 'integer', nullable: true })
  pupilCount?: number | null;

  @Field(() => [String], { description: 'Languages of instruction, ISO 639-1 codes (e.g. ["de", "en"]).' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  instructionLanguages: string[] = [];

  @Field(() => String, { nullable: true, description: 'Public website (https URL), when known.' })
  @Property({ type: 'string', length: 500, nullable: true })
  website?: string | null;

  /** Private: exposed only through the guarded School.contactEmail resolver. */
  @Property({ type: 'string', length: 320, nullable: true })
  contactEmail?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('School', this.id);
  }
}
