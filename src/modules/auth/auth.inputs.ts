import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { MutationPayload } from '../common/user-error';
import { ApiToken, User } from './auth.entity';
import { Scope } from './viewer';

export enum Role {
  ADMIN = 'ADMIN',
  COORDINATOR = 'COORDINATOR',
  TEACHER = 'TEACHER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a person may do.',
  valuesConfig: {
    ADMIN: { description: 'Manages everything.' },
    COORDINATOR: { description: 'Manages one school: its classes, exchanges, participants, host families and budgets.' },
    TEACHER: { description: 'Manages one class and its pairings.' },
  },
});

@ObjectType({ description: 'One role of a person: admin, coordinator of a school, or teacher of a class.' })
export class RoleAssignment {
  @Field(() => Role, { description: 'The role.' })
  role!: Role;

  /** Local ids; the resolver turns them into objects. */
  schoolId!: number | null;
  classId!: number | null;
}

@InputType({ description: 'A new user account (admins only).' })
export class CreateUserInput {
  @Field(() => String, { description: 'Display name (1–200 characters).' })
  name!: string;

  @Field(() => String, { description: 'E-mail address; unique, case-insensitive.' })
  email!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Make the user an admin.' })
  isAdmin: boolean = false;
}

@InputType({ description: 'A role to grant or revoke.' })
export class RoleInput {
  @Field(() => ID, { description: 'The user (global id).' })
  userId!: string;

  @Field(() => Role, { description: 'COORDINATOR needs schoolId, TEACHER needs classId; ADMIN neither.' })
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'The school, for COORDINATOR.' })
  schoolId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The class, for TEACHER.' })
  classId?: string | null;
}

@InputType({ description: 'A new API token: for yourself, or (admins) for any user or for an app.' })
export class CreateApiTokenInput {
  @Field(() => ID, { nullable: true, description: 'The user the token acts as; default: you. Only admins may name another user.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Admins: create an app token for this API client (created if new). Excludes userId.' })
  clientName?: string | null;

  @Field(() => [Scope], { nullable: true, description: 'Scopes of a new API client (default public:read). Ignored for user tokens.' })
  scopes?: Scope[] | null;

  @Field(() => String, { nullable: true, description: 'A label to recognise the token by (at most 100 characters).' })
  label?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the token stops working (in the future); null: never.' })
  expiresAt?: Date | null;
}

@InputType({ description: 'Revokes a token; it stops working on the next request.' })
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'The token (global id).' })
  id!: string;
}

@ObjectType({ description: 'Result of createUser.' })
export class UserPayload extends MutationPayload {
  @Field(() => User, { nullable: true, description: 'The user; null when userErrors is not empty.' })
  user?: User | null;
}

@ObjectType({ description: 'Result of createApiToken.' })
export class CreateApiTokenPayload extends MutationPayload {
  @Field(() => String, { nullable: true, description: 'The secret token, shown this once and never stored: keep it safe.' })
  token?: string | null;

  @Field(() => ApiToken, { nullable: true, description: 'The token\'s record.' })
  apiToken?: ApiToken | null;
}

@ObjectType({ description: 'Result of revokeApiToken.' })
export class RevokeApiTokenPayload extends MutationPayload {
  @Field(() => ApiToken, { nullable: true, description: 'The revoked token.' })
  apiToken?: ApiToken | null;
}

@InputType({ description: 'Filters for the audit log.' })
export class AuditEntryFilter {
  @Field(() => String, { nullable: true, description: 'Only this mutation, e.g. "updateSchool".' })
  operation?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only entries by this user (global id).' })
  actorId?: string | null;
}
