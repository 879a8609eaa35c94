import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

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

  @Property({ type: 'string', length: 60, nullable: true })
  alias?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  fullName?: string | null;

  @Property({ type: 'smallint', nullable: true })
  age?: number | null;

  @Property({ type: 'boolean', nullable: true })
  specialNeeds?: boolean | null;

  @Property({ type: 'string', length: 2000, nullable: true })
  needsNotes?: string | null;

  @Property({ type: 'date', nullable: true })
  parentalConsentOn?: string | null;

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

  @Property({ type: 'string', length: 200, nullable: true })
  name?: string | null;

  @Property({ type: 'string', length: 320, nullable: true })
  contact?: string | null;

  @Property({ type: 'smallint' })
  capacity!: number;

  @Property({ type: ArrayType, columnType: 'text[]' })
  languages: string[] = [];

  @Property({ type: 'string', length: 2000, nullable: true })
  notes?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  erasedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('HostFamily', this.id);
  }
}
