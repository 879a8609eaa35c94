import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

/** A person: admin, coordinator of schools, teacher of classes. */
@ObjectType({ implements: Node, description: 'A person using the API: an admin, a school coordinator or a teacher.' })
@Entity({ tableName: 'app_user' })
export class User implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId' | 'isAdmin';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'Display name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Personal data: exposed through a guarded field resolver only. */
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Property({ type: 'boolean' })
  isAdmin: boolean = false;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('User', this.id);
  }
}

/** A third-party app. */
@Entity({ tableName: 'api_client' })
export class ApiClient {
  [OptionalProps]?: 'createdAt' | 'scopes';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  scopes: string[] = ['public:read'];

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A bearer token; only its SHA-256 hash is stored. */
@ObjectType({ implements: Node, description: 'An API token (the secret itself is shown once, at creation, and never stored).' })
@Entity({ tableName: 'api_token' })
export class ApiToken implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: 64, columnType: 'char(64)' })
  tokenHash!: string;

  @Field(() => String, { nullable: true, description: 'A label to recognise the token by.' })
  @Property({ type: 'string', length: 100, nullable: true })
  label?: string | null;

  @Property({ type: 'integer', nullable: true })
  userId?: number | null;

  @Property({ type: 'integer', nullable: true })
  clientId?: number | null;

  @Field(() => Date, { nullable: true, description: 'When the token stops working; null: never.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last time the token was used (updated at most once a minute).' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the token was revoked; null while it is valid.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Field(() => Date, { description: 'When the token was created.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('ApiToken', this.id);
  }
}

/** One mutation: who, when, what. */
@ObjectType({ description: 'A record of one mutation: who ran it, when, on what, and whether it succeeded.' })
@Entity({ tableName: 'audit_entry' })
export class AuditEntry {
  [OptionalProps]?: 'at';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => Date, { description: 'When it happened.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Property({ type: 'integer', nullable: true })
  actorUserId?: number | null;

  @Property({ type: 'integer', nullable: true })
  actorClientId?: number | null;

  @Field(() => String, { description: 'The mutation, e.g. "updateSchool".' })
  @Property({ type: 'string', length: 100 })
  operation!: string;

  @Field(() => [String], { description: 'Global ids of the objects named in the input and returned by the mutation.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  targetIds: string[] = [];

  @Field(() => Boolean, { description: 'False when the mutation was refused (userErrors or an error).' })
  @Property({ type: 'boolean' })
  succeeded!: boolean;

  @Field(() => String, { nullable: true, description: 'The x-request-id of the request.' })
  @Property({ type: 'string', length: 100, nullable: true })
  requestId?: string | null;
}
