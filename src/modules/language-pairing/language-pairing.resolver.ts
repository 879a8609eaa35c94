import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { connectionType } from '../common/connection';
import { PageArgs } from '../common/pagination';
import { User } from '../auth/auth.entity';
import { ETwinningProject } from '../etwinning/etwinning.entity';
import { SchoolClass } from '../school-class/school-class.entity';
import { LanguagePairing } from './language-pairing.entity';
import { LanguagePairingFilter, PairingPayload, ProposePairingInput, RespondToPairingInput, TransitionPairingInput } from './language-pairing.inputs';
import { LanguagePairingService } from './language-pairing.service';

export const LanguagePairingConnection = connectionType(LanguagePairing, 'LanguagePairing', 'language pairings');

/**
 * Pairings are only ever returned to people of one of their two classes
 * (or admins), so their fields need no further checks.
 */
@Resolver(() => LanguagePairing)
export class LanguagePairingResolver {
  @Query(() => LanguagePairingConnection, { description: 'Pairings of the classes you teach or coordinate (all, for admins), newest first.' })
  async languagePairings(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => LanguagePairingFilter, { nullable: true, description: 'Conditions the pairings must meet.' })
    filter: LanguagePairingFilter | null,
    @Ctx() ctx: Context,
  ) {
    return new LanguagePairingService(ctx.em, await ctx.viewer()).list(page, filter);
  }

  @FieldResolver(() => SchoolClass, { description: 'The class that proposed (offers languageA).' })
  classA(@Root() pairing: LanguagePairing, @Ctx() ctx: Context) {
    return ctx.loaders.schoolClass.load(pairing.classAId);
  }

  @FieldResolver(() => SchoolClass, { description: 'The partner class (learns languageA, offers languageB).' })
  classB(@Root() pairing: LanguagePairing, @Ctx() ctx: Context) {
    return ctx.loaders.schoolClass.load(pairing.classBId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The proposal message.' })
  message(@Root() pairing: LanguagePairing) {
    return pairing.message ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Class B\'s answer.' })
  responseMessage(@Root() pairing: LanguagePairing) {
    return pairing.responseMessage ?? null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who proposed it.' })
  proposedBy(@Root() pairing: LanguagePairing, @Ctx() ctx: Context) {
    return pairing.proposedByUserId == null ? null : ctx.loaders.user.load(pairing.proposedByUserId);
  }

  @FieldResolver(() => ETwinningProject, { nullable: true, description: 'The eTwinning project it belongs to, if any.' })
  eTwinningProject(@Root() pairing: LanguagePairing, @Ctx() ctx: Context) {
    return pairing.eTwinningProjectId == null ? null : ctx.loaders.eTwinningProject.load(pairing.eTwinningProjectId);
  }

  @Mutation(() => PairingPayload, { description: 'Proposes a language pairing from your class to a partner class.' })
  async proposePairing(
    @Arg('input', () => ProposePairingInput, { description: 'The two classes, languages and mode.' }) input: ProposePairingInput,
    @Ctx() ctx: Context,
  ): Promise<PairingPayload> {
    const { value, userErrors } = await new LanguagePairingService(ctx.em, await ctx.viewer()).propose(input);
    return { pairing: value, userErrors };
  }

  @Mutation(() => PairingPayload, { description: 'Accepts or declines a proposal made to your class.' })
  async respondToPairing(
    @Arg('input', () => RespondToPairingInput, { description: 'The pairing and the answer.' }) input: RespondToPairingInput,
    @Ctx() ctx: Context,
  ): Promise<PairingPayload> {
    const { value, userErrors } = await new LanguagePairingService(ctx.em, await ctx.viewer()).respond(input);
    return { pairing: value, userErrors };
  }

  @Mutation(() => PairingPayload, { description: 'Starts, ends or withdraws a pairing.' })
  async transitionPairing(
    @Arg('input', () => TransitionPairingInput, { description: 'The pairing and its new status.' }) input: TransitionPairingInput,
    @Ctx() ctx: Context,
  ): Promise<PairingPayload> {
    const { value, userErrors } = await new LanguagePairingService(ctx.em, await ctx.viewer()).transition(input);
    return { pairing: value, userErrors };
  }
}

@Resolver(() => SchoolClass)
export class SchoolClassPairingsResolver {
  @FieldResolver(() => LanguagePairingConnection, {
    description: 'Pairings of this class, newest first. Only its own teachers, its school\'s coordinators and admins see any.',
  })
  async pairings(
    @Root() schoolClass: SchoolClass,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => LanguagePairingFilter, { nullable: true, description: 'Conditions the pairings must meet.' })
    filter: LanguagePairingFilter | null,
    @Ctx() ctx: Context,
  ) {
    const viewer = await ctx.viewer();
    return ctx.loaders.nested('SchoolClass.pairings', schoolClass.id, { ...page, filter }, (ids, args) =>
      new LanguagePairingService(ctx.em, viewer).pairingsOfClasses(ids, args, filter),
    );
  }
}
