import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ForbiddenError } from '../../lib/errors';
import { toGlobalId } from '../../lib/global-id';
import type { Context } from '../../context';
import { compileNodes } from '../common/compiled-read';
import { SchoolClassConnection } from '../common/connections';
import { CLASS_SPEC } from '../school/school.compiled';
import { filterId } from '../common/filters';
import { PageArgs } from '../common/pagination';
import { School } from '../school/school.entity';
import { AvailabilityWindow, ClassLanguage, SchoolClass } from './school-class.entity';
import {
  CreateSchoolClassInput,
  DeleteSchoolClassInput,
  DeleteSchoolClassPayload,
  SchoolClassFilter,
  SchoolClassOrder,
  SchoolClassPayload,
  UpdateSchoolClassInput,
} from './school-class.inputs';
import { SchoolClassService } from './school-class.service';

@Resolver(() => SchoolClass)
export class SchoolClassResolver {
  @Query(() => SchoolClassConnection, { description: 'Classes in all schools. Default order: newest first.' })
  async schoolClasses(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SchoolClassFilter, { nullable: true, description: 'Conditions the classes must meet.' })
    filter: SchoolClassFilter | null,
    @Arg('orderBy', () => SchoolClassOrder, { nullable: true, description: 'Sort order.' }) orderBy: SchoolClassOrder | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    // The nodes in the same statement as the page when their selection compiles (compiled-read.ts).
    const node = await compileNodes(ctx, info, CLASS_SPEC, 'c');
    return new SchoolClassService(ctx.em, await ctx.viewer()).list(page, filter, orderBy, undefined, node);
  }

  @Query(() => SchoolClass, { nullable: true, description: 'One class by global id; null if there is none.' })
  async schoolClass(@Arg('id', () => ID, { description: 'Global id of the class.' }) id: string, @Ctx() ctx: Context) {
    const localId = filterId(id, 'SchoolClass', 'id');
    return new SchoolClassService(ctx.em, await ctx.viewer()).byId(localId, (i) => ctx.loaders.schoolClass.load(i));
  }

  @FieldResolver(() => School, { description: 'The school the class belongs to.' })
  school(@Root() schoolClass: SchoolClass, @Ctx() ctx: Context) {
    return ctx.loaders.school.load(schoolClass.schoolId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Notes for the class\'s teachers and coordinators. Private: null with a FORBIDDEN error for anyone else.',
  })
  async internalNotes(@Root() schoolClass: SchoolClass, @Ctx() ctx: Context) {
    if (!(await ctx.viewer()).canSeeClassPrivate(schoolClass)) throw new ForbiddenError('Only the class\'s teachers, its school\'s coordinators and admins see internal notes.');
    return schoolClass.internalNotes ?? null;
  }

  @FieldResolver(() => [ClassLanguage], { description: 'Languages the class is taught in and learns.' })
  languages(@Root() schoolClass: SchoolClass, @Ctx() ctx: Context) {
    return ctx.loaders.classLanguages.load(schoolClass.id);
  }

  @FieldResolver(() => [AvailabilityWindow], { description: 'Periods the class is open for an exchange, earliest first.' })
  availability(@Root() schoolClass: SchoolClass, @Ctx() ctx: Context) {
    return ctx.loaders.availability.load(schoolClass.id);
  }

  @Mutation(() => SchoolClassPayload, { description: 'Adds a class to a school, with its languages and availability.' })
  async createSchoolClass(
    @Arg('input', () => CreateSchoolClassInput, { description: 'The new class.' }) input: CreateSchoolClassInput,
    @Ctx() ctx: Context,
  ): Promise<SchoolClassPayload> {
    const { value, userErrors } = await new SchoolClassService(ctx.em, await ctx.viewer()).create(input);
    return { schoolClass: value, userErrors };
  }

  @Mutation(() => SchoolClassPayload, { description: 'Changes a class; given lists replace the old ones.' })
  async updateSchoolClass(
    @Arg('input', () => UpdateSchoolClassInput, { description: 'The class and the fields to change.' }) input: UpdateSchoolClassInput,
    @Ctx() ctx: Context,
  ): Promise<SchoolClassPayload> {
    const { value, userErrors } = await new SchoolClassService(ctx.em, await ctx.viewer()).update(input);
    return { schoolClass: value, userErrors };
  }

  @Mutation(() => DeleteSchoolClassPayload, { description: 'Deletes a class with its languages and availability.' })
  async deleteSchoolClass(
    @Arg('input', () => DeleteSchoolClassInput, { description: 'The class to delete.' }) input: DeleteSchoolClassInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteSchoolClassPayload> {
    const { value, userErrors } = await new SchoolClassService(ctx.em, await ctx.viewer()).delete(input.id);
    return { deletedSchoolClassId: value === null ? null : toGlobalId('SchoolClass', value), userErrors };
  }
}
