import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ForbiddenError } from '../../lib/errors';
import { toGlobalId } from '../../lib/global-id';
import type { Context } from '../../context';
import { SchoolClassConnection, SchoolConnection } from '../common/connections';
import { filterId } from '../common/filters';
import { compileRead } from '../common/compiled-read';
import { PageArgs } from '../common/pagination';
import { SchoolClassFilter, SchoolClassOrder } from '../school-class/school-class.inputs';
import { SchoolClassService } from '../school-class/school-class.service';
import { Town } from '../town/town.entity';
import { SCHOOL_SPEC } from './school.compiled';
import { School } from './school.entity';
import {
  CreateSchoolInput,
  DeleteSchoolInput,
  DeleteSchoolPayload,
  SchoolFilter,
  SchoolOrder,
  SchoolPayload,
  UpdateSchoolInput,
} from './school.inputs';
import { SchoolService } from './school.service';

@Resolver(() => School)
export class SchoolResolver {
  @Query(() => SchoolConnection, { description: 'Schools. Default order: name A–Z.' })
  async schools(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SchoolFilter, { nullable: true, description: 'Conditions the schools must meet.' }) filter: SchoolFilter | null,
    @Arg('orderBy', () => SchoolOrder, { nullable: true, description: 'Sort order.' }) orderBy: SchoolOrder | null,
    @Ctx() ctx: Context,
  ) {
    return new SchoolService(ctx.em, await ctx.viewer()).list(page, filter, orderBy);
  }

  @Query(() => School, { nullable: true, description: 'One school by global id; null if there is none.' })
  async school(@Arg('id', () => ID, { description: 'Global id of the school.' }) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const localId = filterId(id, 'School', 'id');
    const compiled = await compileRead(ctx, info, SCHOOL_SPEC, localId);
    return compiled ? compiled.value : ctx.loaders.school.load(localId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Contact e-mail. Private: null with a FORBIDDEN error unless you coordinate the school, teach one of its classes, or are an admin.',
  })
  async contactEmail(@Root() school: School, @Ctx() ctx: Context) {
    if (!(await ctx.viewer()).canSeeSchoolContacts(school.id)) throw new ForbiddenError('Only the school\'s coordinators and teachers, and admins, see its contact e-mail.');
    return school.contactEmail ?? null;
  }

  @FieldResolver(() => Town, { description: 'The town the school is in.' })
  town(@Root() school: School, @Ctx() ctx: Context) {
    return ctx.loaders.town.load(school.townId);
  }

  @FieldResolver(() => SchoolClassConnection, { description: 'Classes of this school. Default order: newest first.' })
  async classes(
    @Root() school: School,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SchoolClassFilter, { nullable: true, description: 'Conditions the classes must meet.' })
    filter: SchoolClassFilter | null,
    @Arg('orderBy', () => SchoolClassOrder, { nullable: true, description: 'Sort order.' }) orderBy: SchoolClassOrder | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.loaders.nested('School.classes', school.id, { ...page, filter, orderBy }, async (ids, args) =>
      new SchoolClassService(ctx.em, await ctx.viewer()).classesOfSchools(ids, args, filter, orderBy),
    );
  }

  @Mutation(() => SchoolPayload, { description: 'Adds a school in a town.' })
  async createSchool(
    @Arg('input', () => CreateSchoolInput, { description: 'The new school.' }) input: CreateSchoolInput,
    @Ctx() ctx: Context,
  ): Promise<SchoolPayload> {
    const { value, userErrors } = await new SchoolService(ctx.em, await ctx.viewer()).create(input);
    return { school: value, userErrors };
  }

  @Mutation(() => SchoolPayload, { description: 'Changes a school.' })
  async updateSchool(
    @Arg('input', () => UpdateSchoolInput, { description: 'The school and the fields to change.' }) input: UpdateSchoolInput,
    @Ctx() ctx: Context,
  ): Promise<SchoolPayload> {
    const { value, userErrors } = await new SchoolService(ctx.em, await ctx.viewer()).update(input);
    return { school: value, userErrors };
  }

  @Mutation(() => DeleteSchoolPayload, { description: 'Deletes a school; refused (HAS_DEPENDENTS) while it has classes.' })
  async deleteSchool(
    @Arg('input', () => DeleteSchoolInput, { description: 'The school to delete.' }) input: DeleteSchoolInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteSchoolPayload> {
    const { value, userErrors } = await new SchoolService(ctx.em, await ctx.viewer()).delete(input.id);
    return { deletedSchoolId: value === null ? null : toGlobalId('School', value), userErrors };
  }
}
