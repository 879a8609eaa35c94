import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { filterId } from '../common/filters';
import { SchoolConnection, TownConnection, TwinLinkConnection } from '../common/connections';
import { PageArgs } from '../common/pagination';
import { SchoolFilter, SchoolOrder } from '../school/school.inputs';
import { SchoolService } from '../school/school.service';
import { TwinLinkFilter } from '../twin-link/twin-link.inputs';
import { TwinLinkService } from '../twin-link/twin-link.service';
import { CountryLanguage, Town } from './town.entity';
import { TownFilter, TownOrder } from './town.inputs';
import { TownService } from './town.service';

@Resolver(() => Town)
export class TownResolver {
  @Query(() => TownConnection, { description: 'European towns from GeoNames. Default order: population, largest first.' })
  async towns(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TownFilter, { nullable: true, description: 'Conditions the towns must meet.' }) filter: TownFilter | null,
    @Arg('orderBy', () => TownOrder, { nullable: true, description: 'Sort order.' }) orderBy: TownOrder | null,
    @Ctx() ctx: Context,
  ) {
    return new TownService(ctx.em).list(page, filter, orderBy);
  }

  @Query(() => Town, { nullable: true, description: 'One town by global id; null if there is none.' })
  town(@Arg('id', () => ID, { description: 'Global id of the town.' }) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.town.load(filterId(id, 'Town', 'id'));
  }

  @FieldResolver(() => [CountryLanguage], {
    description: 'Languages spoken in the town\'s country (CLDR), most widely spoken first.',
  })
  languages(@Root() town: Town, @Ctx() ctx: Context) {
    return ctx.loaders.countryLanguages.load(town.country);
  }

  @FieldResolver(() => SchoolConnection, { description: 'Schools in this town. Default order: name A–Z.' })
  async schools(
    @Root() town: Town,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => SchoolFilter, { nullable: true, description: 'Conditions the schools must meet.' }) filter: SchoolFilter | null,
    @Arg('orderBy', () => SchoolOrder, { nullable: true, description: 'Sort order.' }) orderBy: SchoolOrder | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.loaders.nested('Town.schools', town.id, { ...page, filter, orderBy }, async (ids, args) =>
      new SchoolService(ctx.em, await ctx.viewer()).schoolsOfTowns(ids, args, filter, orderBy),
    );
  }

  @FieldResolver(() => TownConnection, {
    description: 'Towns twinned with this one over links that have not ended. Default order: population, largest first.',
  })
  async twins(
    @Root() town: Town,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TownFilter, { nullable: true, description: 'Conditions the twin towns must meet.' }) filter: TownFilter | null,
    @Arg('orderBy', () => TownOrder, { nullable: true, description: 'Sort order.' }) orderBy: TownOrder | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.loaders.nested('Town.twins', town.id, { ...page, filter, orderBy }, async (ids, args) =>
      new TownService(ctx.em).twinsOf(ids, args, filter, orderBy),
    );
  }

  @FieldResolver(() => TwinLinkConnection, { description: 'Twin links of this town, including ended ones, oldest first.' })
  async twinLinks(
    @Root() town: Town,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TwinLinkFilter, { nullable: true, description: 'Conditions the links must meet.' }) filter: TwinLinkFilter | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.loaders.nested('Town.twinLinks', town.id, { ...page, filter }, async (ids, args) =>
      new TwinLinkService(ctx.em, await ctx.viewer()).linksOf(ids, args, filter),
    );
  }
}
