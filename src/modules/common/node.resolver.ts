import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { BadUserInputError } from '../../lib/errors';
import { fromGlobalId } from '../../lib/global-id';
import { Node } from './node';

export const MAX_NODES = 100;

function loadNode(ctx: Context, globalId: string, argument: string): Promise<Node | null> {
  const decoded = fromGlobalId(globalId);
  if (!decoded) throw new BadUserInputError(`${argument}: "${globalId}" is not a valid global id.`, { argument });
  switch (decoded.type) {
    case 'Town':
      return ctx.loaders.town.load(decoded.id);
    case 'TwinLink':
      return ctx.loaders.twinLink.load(decoded.id);
    case 'School':
      return ctx.loaders.school.load(decoded.id);
    case 'SchoolClass':
      return ctx.loaders.schoolClass.load(decoded.id);
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null if there is none.' })
  node(@Arg('id', () => ID, { description: 'A global id.' }) id: string, @Ctx() ctx: Context) {
    return loadNode(ctx, id, 'id');
  }

  @Query(() => [Node], { nullable: 'items', description: `Objects by global ids, in the same order (at most ${MAX_NODES}); null where there is none.` })
  nodes(@Arg('ids', () => [ID], { description: `Global ids (at most ${MAX_NODES}).` }) ids: string[], @Ctx() ctx: Context) {
    if (ids.length > MAX_NODES) throw new BadUserInputError(`At most ${MAX_NODES} ids.`, { argument: 'ids' });
    // Validate every id before loading any, so one bad id fails the field cleanly.
    ids.forEach((id, i) => {
      if (!fromGlobalId(id)) throw new BadUserInputError(`ids[${i}]: "${id}" is not a valid global id.`, { argument: 'ids' });
    });
    return Promise.all(ids.map((id, i) => loadNode(ctx, id, `ids[${i}]`)));
  }
}
