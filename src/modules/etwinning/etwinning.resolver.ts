import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { connectionType } from '../common/connection';
import { filterId } from '../common/filters';
import { PageArgs } from '../common/pagination';
import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { ETwinningProject, ETwinningQualityLabel } from './etwinning.entity';
import { CreateETwinningProjectInput, ETwinningProjectFilter, ETwinningProjectPayload } from './etwinning.inputs';
import { ETwinningService } from './etwinning.service';

export const ETwinningProjectConnection = connectionType(ETwinningProject, 'ETwinningProject', 'eTwinning projects');

@Resolver(() => ETwinningProject)
export class ETwinningResolver {
  @Query(() => ETwinningProjectConnection, { description: 'Linked eTwinning projects, newest first. Public.' })
  async eTwinningProjects(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ETwinningProjectFilter, { nullable: true, description: 'Conditions the projects must meet.' })
    filter: ETwinningProjectFilter | null,
    @Ctx() ctx: Context,
  ) {
    return new ETwinningService(ctx.em, await ctx.viewer()).list(page, filter);
  }

  @Query(() => ETwinningProject, { nullable: true, description: 'One eTwinning project link by global id.' })
  eTwinningProject(@Arg('id', () => ID, { description: 'Global id of the project link.' }) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.eTwinningProject.load(filterId(id, 'ETwinningProject', 'id'));
  }

  @FieldResolver(() => [ETwinningQualityLabel], { description: 'Quality labels, newest first.' })
  qualityLabels(@Root() project: ETwinningProject, @Ctx() ctx: Context) {
    return ctx.loaders.qualityLabels.load(project.id);
  }

  @FieldResolver(() => [School], { description: 'Participating schools.' })
  async schools(@Root() project: ETwinningProject, @Ctx() ctx: Context) {
    const participants = await ctx.loaders.eTwinningParticipants.load(project.id);
    const ids = [...new Set(participants.map((p) => p.schoolId))];
    return (await ctx.loaders.school.loadMany(ids)).filter((s): s is School => s instanceof School);
  }

  @FieldResolver(() => [SchoolClass], { description: 'Participating classes that you may see.' })
  async classes(@Root() project: ETwinningProject, @Ctx() ctx: Context) {
    const participants = await ctx.loaders.eTwinningParticipants.load(project.id);
    const ids = participants.flatMap((p) => (p.classId != null ? [p.classId] : []));
    const viewer = await ctx.viewer();
    return (await ctx.loaders.schoolClass.loadMany(ids)).filter((c): c is SchoolClass => c instanceof SchoolClass && viewer.canSeeClass(c));
  }

  @Mutation(() => ETwinningProjectPayload, { description: 'Links an eTwinning project to participating schools and classes.' })
  async createETwinningProject(
    @Arg('input', () => CreateETwinningProjectInput, { description: 'The project.' }) input: CreateETwinningProjectInput,
    @Ctx() ctx: Context,
  ): Promise<ETwinningProjectPayload> {
    const { value, userErrors } = await new ETwinningService(ctx.em, await ctx.viewer()).create(input);
    return { project: value, userErrors };
  }
}
