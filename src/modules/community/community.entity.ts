import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

export enum OrganisationKind {
  SCHOOL = 'SCHOOL',
  ASSOCIATION = 'ASSOCIATION',
  SPORTS_CLUB = 'SPORTS_CLUB',
  MUNICIPALITY = 'MUNICIPALITY',
  OTHER = 'OTHER',
}
registerEnumType(OrganisationKind, { name: 'OrganisationKind', description: 'What kind of body an organisation is (key 2: engage the whole community).' });

export enum ContactRole {
  COORDINATOR = 'COORDINATOR',
  TEACHER = 'TEACHER',
  MUNICIPAL_OFFICER = 'MUNICIPAL_OFFICER',
  ASSOCIATION = 'ASSOCIATION',
  PARENT_REPRESENTATIVE = 'PARENT_REPRESENTATIVE',
}
registerEnumType(ContactRole, { name: 'ContactRole', description: 'The part a person plays in an exchange or in a twinning\'s steering group (key 5).' });

/** A school, association, club or municipality taking part in twinning life. */
@ObjectType({ implements: Node, description: 'A school, association, sports club or municipality taking part in twinning life.' })
@Entity({ tableName: 'organisation' })
export class Organisation implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'Name, up to 200 characters.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => OrganisationKind, { description: 'What kind of body it is.' })
  @Property({ type: 'string', length: 20 })
  kind!: OrganisationKind;

  @Property({ type: 'integer', nullable: true })
  townId?: number | null;

  @Property({ type: 'integer', nullable: true })
  schoolId?: number | null;

  @Field(() => String, { nullable: true, description: 'Website (absolute http(s) URL).' })
  @Property({ type: 'string', length: 500, nullable: true })
  website?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Organisation', this.id);
  }
}

/** A contact person. The name is shown with the roles; e-mail and phone are private. */
@ObjectType({ implements: Node, description: 'A person to contact about an exchange or a twinning. E-mail and phone are private.' })
@Entity({ tableName: 'contact' })
export class Contact implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'Full name, up to 200 characters.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 320, nullable: true })
  email?: string | null;

  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string | null;

  @Property({ type: 'integer', nullable: true })
  organisationId?: number | null;

  @Property({ type: 'integer', nullable: true })
  createdByUserId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Contact', this.id);
  }
}

/** A contact's role in an exchange. */
@Entity({ tableName: 'exchange_contact' })
export class ExchangeContact {
  @PrimaryKey({ type: 'integer' })
  exchangeId!: number;

  @PrimaryKey({ type: 'integer' })
  contactId!: number;

  @PrimaryKey({ type: 'string', length: 30 })
  role!: ContactRole;
}

/** A contact's role in a twin link's steering group. */
@Entity({ tableName: 'twin_link_contact' })
export class TwinLinkContact {
  @PrimaryKey({ type: 'integer' })
  twinLinkId!: number;

  @PrimaryKey({ type: 'integer' })
  contactId!: number;

  @PrimaryKey({ type: 'string', length: 30 })
  role!: ContactRole;
}
