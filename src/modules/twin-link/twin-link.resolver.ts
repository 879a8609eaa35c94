import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { TwinLinkConnection } from '../common/connections';
import { filterId } from '../common/filters';
import { PageArgs } from '../common/pagination';
import { Town } from '../town/town.entity';
import { TwinLink } from './twin-link.entity';
import { CreateTwinLinkInput, CreateTwinLinkPayload, EndTwinLinkInput, EndTwinLinkPayload, TwinLinkFilter } from './twin-link.inputs';
import { TwinLinkService } from './twin-link.service';

@Resolver(() => TwinLink)
export class TwinLinkResolver {
  @Query(() => TwinLinkConnection, { description: 'Twin links between towns, oldest first.' })
  async twinLinks(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TwinLinkFilter, { nullable: true, description: 'Conditions the links must meet.' }) filter: TwinLinkFilter | null,
    @Ctx() ctx: Context,
  ) {
    return new TwinLinkService(ctx.em, await ctx.viewer()).list(page, filter);
  }

  @Query(() => TwinLink, { nullable: true, description: 'One twin link by global id; null if there is none.' })
  twinLink(@Arg('id', () => ID, { description: 'Global id of the link.' }) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.twinLink.load(filterId(id, 'TwinLink', 'id'));
  }

  @FieldResolver(() => Town, { description: 'One town of the pair (the one with the lower internal id).' })
  async townA(@Root() link: TwinLink, @Ctx() ctx: Context) {
    return ctx.loaders.town.load(link.townAId);
  }

  @FieldResolver(() => Town, { description: 'The other town of the pair.' })
  async townB(@Root() link: TwinLink, @Ctx() ctx: Context) {
    return ctx.loaders.town.load(link.townBId);
  }

  @Mutation(() => CreateTwinLinkPayload, { description: 'Records a twinning between two towns. One open link per pair.' })
  async createTwinLink(
    @Arg('input', () => CreateTwinLinkInput, { description: 'The two towns and details of the link.' }) input: CreateTwinLinkInput,
    @Ctx() ctx: Context,
  ): Promise<CreateTwinLinkPayload> {
    const { value, userErrors } = await new TwinLinkService(ctx.em, await ctx.viewer()).create(input);
    return { twinLink: value, userErrors };
  }

  @Mutation(() => EndTwinLinkPayload, { description: 'Ends a twin link; it stays on record with status ENDED.' })
  async endTwinLink(
    @Arg('input', () => EndTwinLinkInput, { description: 'The link and the date it ended.' }) input: EndTwinLinkInput,
    @Ctx() ctx: Context,
  ): Promise<EndTwinLinkPayload> {
    const { value, userErrors } = await new TwinLinkService(ctx.em, await ctx.viewer()).end(input);
    return { twinLink: value, userErrors };
  }
}
