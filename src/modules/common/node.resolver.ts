import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { BadUserInputError } from '../../lib/errors';
import { fromGlobalId, type DecodedId } from '../../lib/global-id';
import type { Viewer } from '../auth/viewer';
import { LanguagePairingService } from '../language-pairing/language-pairing.service';
import { Node } from './node';
import { accessToExchange } from '../exchange/exchange.access';

/** A child of an exchange: visible when the exchange is (public parts) or manageable (private parts). */
async function exchangeChild<T extends { exchangeId: number }>(ctx: Context, viewer: Viewer, row: T | null, need: 'see' | 'manage'): Promise<T | null> {
  if (!row) return null;
  const access = await accessToExchange(ctx.loaders, viewer, row.exchangeId);
  return access[need] ? row : null;
}

export const MAX_NODES = 100;

function decode(globalId: string, argument: string): DecodedId {
  const decoded = fromGlobalId(globalId);
  if (!decoded) throw new BadUserInputError(`${argument}: "${globalId}" is not a valid global id.`, { argument });
  return decoded;
}

/**
 * The same visibility as the typed queries: what the viewer may not see
 * comes back as null, exactly like an id that does not exist.
 */
async function loadNode(ctx: Context, viewer: Viewer, { type, id }: DecodedId): Promise<Node | null> {
  switch (type) {
    case 'Town':
      return ctx.loaders.town.load(id);
    case 'TwinLink':
      return ctx.loaders.twinLink.load(id);
    case 'School':
      return ctx.loaders.school.load(id);
    case 'SchoolClass': {
      const schoolClass = await ctx.loaders.schoolClass.load(id);
      return schoolClass && viewer.canSeeClass(schoolClass) ? schoolClass : null;
    }
    case 'User':
      return viewer.isAdmin || viewer.userId === id ? ctx.loaders.user.load(id) : null;
    case 'ETwinningProject':
      return ctx.loaders.eTwinningProject.load(id);
    case 'LanguagePairing': {
      const pairing = await ctx.loaders.pairing.load(id);
      if (!pairing) return null;
      const [a, b] = await Promise.all([ctx.loaders.schoolClass.load(pairing.classAId), ctx.loaders.schoolClass.load(pairing.classBId)]);
      return new LanguagePairingService(ctx.em, viewer).canSee(pairing, a, b) ? pairing : null;
    }
    case 'Exchange': {
      const exchange = await ctx.loaders.exchange.load(id);
      return exchange && (await accessToExchange(ctx.loaders, viewer, id)).see ? exchange : null;
    }
    case 'Visit':
      return exchangeChild(ctx, viewer, await ctx.loaders.visit.load(id), 'see');
    case 'Goal':
      return exchangeChild(ctx, viewer, await ctx.loaders.goal.load(id), 'see');
    case 'ExchangeEvent':
      return exchangeChild(ctx, viewer, await ctx.loaders.exchangeEvent.load(id), 'see');
    case 'Evaluation': {
      const evaluation = await ctx.loaders.evaluation.load(id);
      const goal = evaluation ? await ctx.loaders.goal.load(evaluation.goalId) : null;
      return (await exchangeChild(ctx, viewer, goal, 'see')) ? evaluation : null;
    }
    case 'Participant':
      return exchangeChild(ctx, viewer, await ctx.loaders.participant.load(id), 'manage');
    case 'HostFamily':
      return exchangeChild(ctx, viewer, await ctx.loaders.hostFamily.load(id), 'manage');
    case 'BudgetLine':
      return exchangeChild(ctx, viewer, await ctx.loaders.budgetLine.load(id), 'manage');
    case 'FundingSource':
      return exchangeChild(ctx, viewer, await ctx.loaders.fundingSource.load(id), 'manage');
    case 'Organisation':
      return ctx.loaders.organisation.load(id);
    case 'Contact':
      return ctx.loaders.contact.load(id);
    case 'ApiToken': {
      const token = await ctx.loaders.apiToken.load(id);
      return token && (viewer.isAdmin || (viewer.userId !== null && token.userId === viewer.userId)) ? token : null;
    }
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null if there is none or you may not see it.' })
  async node(@Arg('id', () => ID, { description: 'A global id.' }) id: string, @Ctx() ctx: Context) {
    const decoded = decode(id, 'id');
    return loadNode(ctx, await ctx.viewer(), decoded);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by global ids, in the same order (at most ${MAX_NODES}); null where there is none or you may not see it.`,
  })
  async nodes(@Arg('ids', () => [ID], { description: `Global ids (at most ${MAX_NODES}).` }) ids: string[], @Ctx() ctx: Context) {
    if (ids.length > MAX_NODES) throw new BadUserInputError(`At most ${MAX_NODES} ids.`, { argument: 'ids' });
    // Every id is checked before any is loaded, so one bad id fails the field cleanly.
    const decoded = ids.map((id, i) => decode(id, `ids[${i}]`));
    const viewer = await ctx.viewer();
    return Promise.all(decoded.map((d) => loadNode(ctx, viewer, d)));
  }
}
