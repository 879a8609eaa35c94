import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { auditMutations } from './modules/auth/audit';
import { authResolvers } from './modules/auth/auth.resolver';
import { NodeResolver } from './modules/common/node.resolver';
import { serveCompiled } from './modules/common/compiled-read';
import { PartnerSuggestionResolver } from './modules/matching/partner-suggestions.resolver';
import { TownSimilarityResolver } from './modules/matching/town-similarity.resolver';
import { ETwinningResolver } from './modules/etwinning/etwinning.resolver';
import { LanguagePairingResolver, SchoolClassPairingsResolver } from './modules/language-pairing/language-pairing.resolver';
import { SchoolClassResolver } from './modules/school-class/school-class.resolver';
import { SchoolResolver } from './modules/school/school.resolver';
import { TownResolver } from './modules/town/town.resolver';
import { TwinLinkResolver } from './modules/twin-link/twin-link.resolver';
import { exchangeResolvers } from './modules/exchange/exchange.resolver';
import { budgetResolvers } from './modules/exchange/budget.resolver';
import { communityResolvers } from './modules/community/community.resolver';
import { TwinLinkHealthResolver } from './modules/twin-link/twin-link-health';
import { TownExchangeStatsResolver } from './modules/town/town-exchange-stats';

/** Every resolver of the API, listed once. */
export const resolvers = [
  NodeResolver, TownResolver, TwinLinkResolver, SchoolResolver, SchoolClassResolver,
  LanguagePairingResolver,
  SchoolClassPairingsResolver,
  ETwinningResolver,
  PartnerSuggestionResolver,
  TownSimilarityResolver,
  ...exchangeResolvers,
  ...budgetResolvers, ...communityResolvers, TwinLinkHealthResolver, TownExchangeStatsResolver,
  ...authResolvers,
] as const;

export function buildAppSchema(): GraphQLSchema {
  return serveCompiled(auditMutations(buildSchemaSync({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Inputs are checked by the services, which answer with userErrors.
    validate: false,
  })));
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs stay small. */
export function printAppSchema(schema: GraphQLSchema = buildAppSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
