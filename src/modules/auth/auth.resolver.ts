import { Arg, Args, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForbiddenError } from '../../lib/errors';
import { connectionType } from '../common/connection';
import { SchoolClassConnection, SchoolConnection } from '../common/connections';
import { fetchPage, ordering, SortDirection, type PageArgs as PageArgsType } from '../common/pagination';
import { PageArgs } from '../common/pagination';
import { SchoolClass } from '../school-class/school-class.entity';
import { SchoolClassService } from '../school-class/school-class.service';
import { School } from '../school/school.entity';
import { AuditEntry, User } from './auth.entity';
import {
  AuditEntryFilter,
  CreateApiTokenInput,
  CreateApiTokenPayload,
  CreateUserInput,
  RevokeApiTokenInput,
  RevokeApiTokenPayload,
  RoleAssignment,
  RoleInput,
  UserPayload,
} from './auth.inputs';
import { AuthService } from './auth.service';
import { Scope, ViewerKind, type Viewer } from './viewer';
import { idsParam } from '../../lib/sql';

export const AuditEntryConnection = connectionType(AuditEntry, 'AuditEntry', 'audit entries');

@ObjectType('Viewer', { description: 'Who is calling: identity, roles, and their schools and classes.' })
export class ViewerInfo {
  constructor(readonly viewer: Viewer) {}

  @Field(() => ViewerKind, { description: 'Anonymous, a person, or an app.' })
  get kind(): ViewerKind {
    return this.viewer.kind;
  }

  @Field(() => Boolean, { description: 'Whether the caller is an admin.' })
  get isAdmin(): boolean {
    return this.viewer.isAdmin;
  }

  @Field(() => [Scope], { description: 'Scopes of an app token; a person\'s token carries all scopes and is limited by roles instead.' })
  get scopes(): Scope[] {
    return [...this.viewer.scopes] as Scope[];
  }
}

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller: who I am, my roles, my schools and my classes.' })
  async viewer(@Ctx() ctx: Context) {
    return new ViewerInfo(await ctx.viewer());
  }

  @FieldResolver(() => User, { nullable: true, description: 'The signed-in person; null for anonymous callers and apps.' })
  user(@Root() info: ViewerInfo, @Ctx() ctx: Context) {
    return info.viewer.userId === null ? null : ctx.loaders.user.load(info.viewer.userId);
  }

  @FieldResolver(() => [RoleAssignment], { description: 'My roles: admin, coordinator of schools, teacher of classes.' })
  roles(@Root() info: ViewerInfo, @Ctx() ctx: Context) {
    return info.viewer.userId === null ? [] : new AuthService(ctx.em, info.viewer).rolesOf(info.viewer.userId);
  }

  @FieldResolver(() => SchoolConnection, { description: 'Schools I coordinate, by name.' })
  schools(@Root() info: ViewerInfo, @Args(() => PageArgs) page: PageArgsType, @Ctx() ctx: Context) {
    const params: unknown[] = [];
    const list = { entity: School, select: 's.*', from: 'school s', idColumn: 's.id', where: [idsParam('s.id', info.viewer.coordinatorOf, params)], params };
    return fetchPage<School>(ctx.em, list, ordering({ NAME: { sql: 's.name', type: 'string' } }, 'NAME', SortDirection.ASC), page);
  }

  @FieldResolver(() => SchoolClassConnection, { description: 'Classes I teach, newest first.' })
  classes(@Root() info: ViewerInfo, @Args(() => PageArgs) page: PageArgsType, @Ctx() ctx: Context) {
    return new SchoolClassService(ctx.em, info.viewer).list(page, null, null, info.viewer.teacherOf);
  }
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String, { nullable: true, description: 'E-mail address. Private: the user and admins only (FORBIDDEN otherwise).' })
  async email(@Root() user: User, @Ctx() ctx: Context) {
    const viewer = await ctx.viewer();
    if (!viewer.isAdmin && viewer.userId !== user.id) throw new ForbiddenError('Only the user and admins see this e-mail address.');
    return user.email;
  }

  @FieldResolver(() => [RoleAssignment], { nullable: true, description: 'The user\'s roles. Private: the user and admins only.' })
  async roles(@Root() user: User, @Ctx() ctx: Context) {
    return new AuthService(ctx.em, await ctx.viewer()).rolesOf(user.id);
  }

  @Mutation(() => UserPayload, { description: 'Creates a user account (admins only).' })
  async createUser(@Arg('input', () => CreateUserInput, { description: 'The new user.' }) input: CreateUserInput, @Ctx() ctx: Context): Promise<UserPayload> {
    const { value, userErrors } = await new AuthService(ctx.em, await ctx.viewer()).createUser(input);
    return { user: value, userErrors };
  }

  @Mutation(() => UserPayload, { description: 'Grants a role. Admins grant any; coordinators make teachers of their school\'s classes.' })
  async grantRole(@Arg('input', () => RoleInput, { description: 'The user and the role.' }) input: RoleInput, @Ctx() ctx: Context): Promise<UserPayload> {
    const { value, userErrors } = await new AuthService(ctx.em, await ctx.viewer()).changeRole(input, true);
    return { user: value, userErrors };
  }

  @Mutation(() => UserPayload, { description: 'Revokes a role, with the same rights as grantRole.' })
  async revokeRole(@Arg('input', () => RoleInput, { description: 'The user and the role.' }) input: RoleInput, @Ctx() ctx: Context): Promise<UserPayload> {
    const { value, userErrors } = await new AuthService(ctx.em, await ctx.viewer()).changeRole(input, false);
    return { user: value, userErrors };
  }

  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token and returns it once. Yours, or (admins) anyone\'s or an app\'s.' })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput, { description: 'Whose token, with label and expiry.' }) input: CreateApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiTokenPayload> {
    const { value, userErrors } = await new AuthService(ctx.em, await ctx.viewer()).createApiToken(input);
    return { token: value?.token ?? null, apiToken: value?.apiToken ?? null, userErrors };
  }

  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes a token (yours, or any for admins); it fails from the next request on.' })
  async revokeApiToken(
    @Arg('input', () => RevokeApiTokenInput, { description: 'The token.' }) input: RevokeApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<RevokeApiTokenPayload> {
    const { value, userErrors } = await new AuthService(ctx.em, await ctx.viewer()).revokeApiToken(input);
    return { apiToken: value, userErrors };
  }
}

@Resolver(() => RoleAssignment)
export class RoleAssignmentResolver {
  @FieldResolver(() => School, { nullable: true, description: 'The school, for COORDINATOR.' })
  school(@Root() role: RoleAssignment, @Ctx() ctx: Context) {
    return role.schoolId === null ? null : ctx.loaders.school.load(role.schoolId);
  }

  @FieldResolver(() => SchoolClass, { nullable: true, description: 'The class, for TEACHER.' })
  schoolClass(@Root() role: RoleAssignment, @Ctx() ctx: Context) {
    return role.classId === null ? null : ctx.loaders.schoolClass.load(role.classId);
  }
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'Every mutation, newest first (admins only).' })
  async auditEntries(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEntryFilter, { nullable: true, description: 'Conditions the entries must meet.' }) filter: AuditEntryFilter | null,
    @Ctx() ctx: Context,
  ) {
    return new AuthService(ctx.em, await ctx.viewer()).auditEntries(page, filter);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The person who ran it; null for apps and anonymous callers.' })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: Context) {
    return entry.actorUserId == null ? null : ctx.loaders.user.load(entry.actorUserId);
  }
}

export const authResolvers = [ViewerResolver, UserResolver, RoleAssignmentResolver, AuditResolver] as const;
