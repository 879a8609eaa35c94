import DataLoader from 'dataloader';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Args, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { exchangeOf } from './exchange.payload';
import { perRequest } from '../../loaders';
import { ForbiddenError } from '../../lib/errors';
import { groupBy } from '../../lib/group-by';
import { connectionType } from '../common/connection';
import { PageArgs, SortDirection, type Ordering } from '../common/pagination';
import { BudgetLine, FundingSource } from './budget.entity';
import {
  AddBudgetLineInput,
  AddFundingSourceInput,
  BudgetLinePayload,
  FundingSourcePayload,
  UpdateBudgetLineInput,
  UpdateFundingSourceInput,
} from './budget.inputs';
import {
  budgetTotals,
  BudgetService,
  ERASMUS_TABLE_INFO,
  estimateVisitTravel,
  type BudgetTotals,
  type VisitTravelEstimate,
} from './budget.service';
import { ErasmusDistanceBand } from './distance-band';
import { accessToExchange } from './exchange.access';
import { Exchange, Visit } from './exchange.entity';
import { RemoveInput } from './exchange.inputs';
import { visitDistanceKm } from './exchange.resolver';
import { childPages } from './exchange.service';

export const BudgetLineConnection = connectionType(BudgetLine, 'BudgetLine', 'budget lines');
export const FundingSourceConnection = connectionType(FundingSource, 'FundingSource', 'funding sources');

const IN_ORDER_ADDED: Ordering = { key: 'ID:ASC', column: { sql: 't.id', type: 'number' }, direction: SortDirection.ASC };

const ERASMUS_NOTE =
  `Erasmus+ Key Action 1 travel unit costs from the ${ERASMUS_TABLE_INFO.source} (valid for the calls ${ERASMUS_TABLE_INFO.validForCalls}): ` +
  'per traveller (pupil or accompanying teacher) and return journey, by distance band of the one-way distance: ' +
  '10–99 km €23; 100–499 km €180 (green travel €210); 500–1999 km €275 (€320); 2000–2999 km €360 (€410); 3000–3999 km €530 (€610); 4000–7999 km €820; 8000 km or more €1500. ' +
  'Later Programme Guides raised these amounts: the table (src/modules/exchange/erasmus-travel-unit-costs.json) should be updated to the call year in use. An estimate, not a grant decision.';

@ObjectType({ description: 'Money of an exchange in one currency, in minor units of that currency (cents for EUR). Currencies are never added together.' })
export class CurrencyTotal {
  @Field(() => String, { description: 'ISO 4217 currency code.' })
  currency!: string;

  @Field(() => GraphQLSafeInt, { description: 'Total cost: every TOTAL line plus every PER_PARTICIPANT line times the participant count. Minor units, ≥ 0.' })
  cost!: number;

  @Field(() => GraphQLSafeInt, { description: 'Funding GRANTED or RECEIVED. Minor units, ≥ 0.' })
  fundingSecured!: number;

  @Field(() => GraphQLSafeInt, { description: 'Funding RECEIVED (part of fundingSecured). Minor units, ≥ 0.' })
  fundingReceived!: number;

  @Field(() => GraphQLSafeInt, { description: 'Funding PLANNED or APPLIED for, not yet decided (not part of fundingSecured). REJECTED funding counts nowhere. Minor units, ≥ 0.' })
  fundingPending!: number;

  @Field(() => GraphQLSafeInt, { description: 'cost − fundingSecured: what is still to be found. Negative when secured funding exceeds the cost (a surplus). Minor units.' })
  gap!: number;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: 'cost ÷ the exchange\'s participant count, rounded half up to the minor unit; null when the participant count is 0.',
  })
  costPerParticipant!: number | null;
}

@ObjectType({ description: 'What the Erasmus+ travel unit costs would give for one visit, in euro cents.' })
export class VisitTravelSupport {
  @Field(() => ErasmusDistanceBand, { description: 'Distance band of the visit (from distanceKm).' })
  distanceBand!: ErasmusDistanceBand;

  @Field(() => Boolean, { description: 'Whether the green-travel rate applied: the visit is green travel and its band has a green rate (none under 100 km or from 4000 km in the 2021 table).' })
  greenRate!: boolean;

  @Field(() => Int, { description: 'Travellers: pupils plus accompanying teachers.' })
  travellerCount!: number;

  @Field(() => Int, { description: 'Unit cost per traveller, in euro cents.' })
  unitCostMinor!: number;

  @Field(() => GraphQLSafeInt, { description: 'travellerCount × unitCostMinor, in euro cents.' })
  amountMinor!: number;

  @Field(() => String, { description: 'Always "EUR".' })
  currency!: string;
}

@ObjectType({ description: `An estimate of the Erasmus+ travel support for all visits of an exchange, in euro cents. ${ERASMUS_NOTE}` })
export class ErasmusTravelEstimate {
  @Field(() => String, { description: 'Always "EUR": Erasmus+ unit costs are in euros, whatever the budget\'s currencies.' })
  currency!: string;

  @Field(() => GraphQLSafeInt, { description: 'Σ over visits of travellers × unit cost, in euro cents.' })
  amountMinor!: number;

  @Field(() => Int, { description: 'Travellers (pupils plus accompanying teachers) of the visits counted.' })
  travellerCount!: number;

  @Field(() => Int, { description: 'Visits counted: those 10 km or more apart.' })
  visitCount!: number;

  @Field(() => Int, { description: 'Visits not counted: under 10 km apart (no travel support), or with a town whose location is unknown.' })
  visitsWithoutSupport!: number;

  @Field(() => Int, { description: 'Year of the Programme Guide the unit costs come from.' })
  tableYear!: number;

  @Field(() => String, { description: 'Where the unit costs come from.' })
  tableSource!: string;
}

@ObjectType({
  description:
    'Totals of an exchange\'s budget and funding, one entry per currency, and an Erasmus+ travel estimate. ' +
    'The participant count is Σ over visits of (participantCount + accompanyingTeacherCount): everyone who travels, counted once per visit.',
})
export class ExchangeBudget {
  exchangeId!: number;

  @Field(() => Int, { description: 'Σ over visits of pupils plus accompanying teachers (a pupil who travels on two visits counts twice). PER_PARTICIPANT lines are multiplied by it.' })
  participantCount!: number;

  @Field(() => [CurrencyTotal], { description: 'One entry per currency used by a budget line or funding source, sorted by currency code. Empty when there are none.' })
  totals!: CurrencyTotal[];
}

type BudgetLoaders = {
  totals: DataLoader<number, BudgetTotals>;
  visitsOf: DataLoader<number, Visit[]>;
};

/**
 * This module's DataLoaders, one set per request (keyed by the request's
 * loaders). They read through ctx.em at batch time, so inside a mutation
 * they see its transaction.
 */
const budgetLoaders = perRequest(
  (ctx: Context): BudgetLoaders => ({
    totals: new DataLoader((ids) => budgetTotals(ctx.em, ids)),
    visitsOf: new DataLoader(async (ids) => {
      const visits = await ctx.em.find(Visit, { exchangeId: { $in: [...ids] } }, { orderBy: { startsOn: 'asc', id: 'asc' } });
      const byExchange = groupBy(visits, (v) => v.exchangeId);
      return ids.map((id) => byExchange.get(id) ?? []);
    }),
  }),
);

/** Totals read by exchange(id:)'s compiled statement, so Exchange.budget does not query them again. */
export function primeBudgetTotals(ctx: Context, exchangeId: number, totals: BudgetTotals): void {
  budgetLoaders(ctx).totals.prime(exchangeId, totals);
}

/** Money is for the people who manage the exchange: FORBIDDEN (the field becomes null) for everyone else. */
async function requireManager(ctx: Context, exchangeId: number, what: string): Promise<void> {
  const access = await accessToExchange(ctx.loaders, await ctx.viewer(), exchangeId);
  if (!access.manage) throw new ForbiddenError(`Only coordinators of the schools in this exchange, and admins, see its ${what}.`);
}

async function visitEstimate(ctx: Context, visit: Visit): Promise<VisitTravelEstimate | null> {
  return estimateVisitTravel(visit, await visitDistanceKm(ctx, visit));
}

const PRIVATE = 'Private: null with a FORBIDDEN error unless you coordinate a school in the exchange or are an admin.';

@Resolver(() => Exchange)
export class ExchangeBudgetResolver {
  @FieldResolver(() => BudgetLineConnection, { nullable: true, description: `Costs, in the order they were added. ${PRIVATE}` })
  async budgetLines(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    await requireManager(ctx, exchange.id, 'budget lines');
    return ctx.loaders.nested('Exchange.budgetLines', exchange.id, page, (ids, args) =>
      childPages<BudgetLine>(ctx.em, BudgetLine, 'budget_line', 'exchange_id', ids, IN_ORDER_ADDED, args),
    );
  }

  @FieldResolver(() => FundingSourceConnection, { nullable: true, description: `Funding, in the order it was added. ${PRIVATE}` })
  async fundingSources(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    await requireManager(ctx, exchange.id, 'funding sources');
    return ctx.loaders.nested('Exchange.fundingSources', exchange.id, page, (ids, args) =>
      childPages<FundingSource>(ctx.em, FundingSource, 'funding_source', 'exchange_id', ids, IN_ORDER_ADDED, args),
    );
  }

  @FieldResolver(() => ExchangeBudget, {
    nullable: true,
    description: `Cost, funding, gap and cost per participant, one entry per currency, and an Erasmus+ travel estimate. ${PRIVATE}`,
  })
  async budget(@Root() exchange: Exchange, @Ctx() ctx: Context): Promise<ExchangeBudget> {
    await requireManager(ctx, exchange.id, 'budget');
    const totals = await budgetLoaders(ctx).totals.load(exchange.id);
    return { exchangeId: exchange.id, ...totals };
  }
}

@Resolver(() => ExchangeBudget)
export class ExchangeBudgetFieldsResolver {
  @FieldResolver(() => ErasmusTravelEstimate, { description: `Estimated Erasmus+ travel support of all visits, in euro cents. ${ERASMUS_NOTE}` })
  async estimatedErasmusTravelSupport(@Root() budget: ExchangeBudget, @Ctx() ctx: Context): Promise<ErasmusTravelEstimate> {
    const visits = await budgetLoaders(ctx).visitsOf.load(budget.exchangeId);
    const estimates = await Promise.all(visits.map((v) => visitEstimate(ctx, v)));
    const counted = estimates.filter((e) => e !== null);
    return {
      currency: 'EUR',
      amountMinor: counted.reduce((sum, e) => sum + e.amountMinor, 0),
      travellerCount: counted.reduce((sum, e) => sum + e.travellerCount, 0),
      visitCount: counted.length,
      visitsWithoutSupport: estimates.length - counted.length,
      tableYear: ERASMUS_TABLE_INFO.year,
      tableSource: ERASMUS_TABLE_INFO.source,
    };
  }
}

@Resolver(() => Visit)
export class VisitTravelSupportResolver {
  @FieldResolver(() => VisitTravelSupport, {
    nullable: true,
    description: `Estimated Erasmus+ travel support for this visit, in euro cents; null under 10 km. ${ERASMUS_NOTE} ${PRIVATE}`,
  })
  async estimatedErasmusTravelSupport(@Root() visit: Visit, @Ctx() ctx: Context): Promise<VisitTravelSupport | null> {
    await requireManager(ctx, visit.exchangeId, 'Erasmus+ estimate');
    const estimate = await visitEstimate(ctx, visit);
    return estimate && { ...estimate, currency: 'EUR' };
  }
}

function service(ctx: Context, viewer: Awaited<ReturnType<Context['viewer']>>) {
  return new BudgetService(ctx.em, viewer, ctx.requestId);
}

@Resolver()
export class BudgetMutationResolver {
  @Mutation(() => BudgetLinePayload, { description: 'Adds a cost to an exchange. Coordinators of its schools and admins; not once COMPLETED or CANCELLED.' })
  async addBudgetLine(@Arg('input', () => AddBudgetLineInput, { description: 'The cost.' }) input: AddBudgetLineInput, @Ctx() ctx: Context): Promise<BudgetLinePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).addLine(input);
    return { budgetLine: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => BudgetLinePayload, { description: 'Changes a cost.' })
  async updateBudgetLine(@Arg('input', () => UpdateBudgetLineInput, { description: 'The changes.' }) input: UpdateBudgetLineInput, @Ctx() ctx: Context): Promise<BudgetLinePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).updateLine(input);
    return { budgetLine: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => BudgetLinePayload, { description: 'Removes a cost.' })
  async removeBudgetLine(@Arg('input', () => RemoveInput, { description: 'The budget line.' }) input: RemoveInput, @Ctx() ctx: Context): Promise<BudgetLinePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).removeLine(input.id);
    return { budgetLine: null, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => FundingSourcePayload, { description: 'Adds a funding source to an exchange. Coordinators of its schools and admins; not once COMPLETED or CANCELLED.' })
  async addFundingSource(@Arg('input', () => AddFundingSourceInput, { description: 'The funding.' }) input: AddFundingSourceInput, @Ctx() ctx: Context): Promise<FundingSourcePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).addFunding(input);
    return { fundingSource: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => FundingSourcePayload, { description: 'Changes a funding source, e.g. APPLIED → GRANTED → RECEIVED.' })
  async updateFundingSource(@Arg('input', () => UpdateFundingSourceInput, { description: 'The changes.' }) input: UpdateFundingSourceInput, @Ctx() ctx: Context): Promise<FundingSourcePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).updateFunding(input);
    return { fundingSource: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => FundingSourcePayload, { description: 'Removes a funding source.' })
  async removeFundingSource(@Arg('input', () => RemoveInput, { description: 'The funding source.' }) input: RemoveInput, @Ctx() ctx: Context): Promise<FundingSourcePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).removeFunding(input.id);
    return { fundingSource: null, exchange: await exchangeOf(ctx, value), userErrors };
  }
}

export const budgetResolvers = [ExchangeBudgetResolver, ExchangeBudgetFieldsResolver, VisitTravelSupportResolver, BudgetMutationResolver] as const;
