import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';
import { DateScalar } from '../common/scalars';

/**
 * A pupil taking part in an exchange. Pseudonymous by default (an alias);
 * every personal field is private to the coordinators of the schools
 * involved (and admins) and is exposed only through guarded resolvers.
 * Erasure nulls the personal fields and keeps the row, so counts stay right.
 */
@ObjectType({ implements: Node, description: 'A pupil taking part in an exchange. Personal fields are visible only to coordinators of the schools involved and to admins.' })
@Entity({ tableName: 'participant' })
export class Participant implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Property({ type: 'integer' })
  classId!: number;

  @Field(() => String, { nullable: true, description: 'Pseudonym the pupil is known by in the exchange (up to 60 characters); null once erased.' })
  @Property({ type: 'string', length: 60, nullable: true })
  alias?: string | null;

  @Field(() => String, { nullable: true, description: 'Real name, only if the school chooses to record it (pseudonymous by default); null once erased.' })
  @Property({ type: 'string', length: 200, nullable: true })
  fullName?: string | null;

  @Field(() => Int, { nullable: true, description: 'Age in years (3–25); null once erased.' })
  @Property({ type: 'smallint', nullable: true })
  age?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the pupil has special needs to plan for; null once erased.' })
  @Property({ type: 'boolean', nullable: true })
  specialNeeds?: boolean | null;

  @Field(() => String, { nullable: true, description: 'What to plan for (diet, allergies, mobility…), up to 2000 characters; null once erased.' })
  @Property({ type: 'string', length: 2000, nullable: true })
  needsNotes?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When parental consent to take part was given; null if not (yet) given. Needed before the exchange becomes ONGOING.' })
  @Property({ type: 'date', nullable: true })
  parentalConsentOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When consent to photos was given; null if not given: do not publish photos of this pupil.' })
  @Property({ type: 'date', nullable: true })
  photoConsentOn?: string | null;

  @Property({ type: 'integer', nullable: true })
  hostFamilyId?: number | null;

  @Field(() => Date, { nullable: true, description: 'When the personal data was erased; null while it is kept.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  erasedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Participant', this.id);
  }
}

/** A family hosting guests during a visit; private like participants. */
@ObjectType({ implements: Node, description: 'A family hosting guest pupils. Visible only to coordinators of the schools involved and to admins.' })
@Entity({ tableName: 'host_family' })
export class HostFamily implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId' | 'languages';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Property({ type: 'integer' })
  schoolId!: number;

  @Field(() => String, { nullable: true, description: 'Family name as the school knows it (up to 200 characters); null once erased.' })
  @Property({ type: 'string', length: 200, nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'How to reach the family (phone or e-mail, up to 320 characters); null once erased.' })
  @Property({ type: 'string', length: 320, nullable: true })
  contact?: string | null;

  @Field(() => Int, { description: 'How many guest pupils the family can host (1–10).' })
  @Property({ type: 'smallint' })
  capacity!: number;

  @Field(() => [String], { description: 'Languages spoken at home, ISO 639-1.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  languages: string[] = [];

  @Field(() => String, { nullable: true, description: 'Allergies, pets and other things to know, up to 2000 characters; null once erased.' })
  @Property({ type: 'string', length: 2000, nullable: true })
  notes?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the family\'s personal data was erased; null while it is kept.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  erasedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('HostFamily', this.id);
  }
}
