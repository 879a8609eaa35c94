import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { compileRead, selectsField } from '../common/compiled-read';
import { filterId } from '../common/filters';
import { connectionType } from '../common/connection';
import { PageArgs } from '../common/pagination';
import { haversineKm } from '../../lib/text';
import { daysBetween } from '../../lib/dates';
import { toIsoDate } from '../common/scalars';
import { User } from '../auth/auth.entity';
import { ETwinningProject } from '../etwinning/etwinning.entity';
import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { accessToExchange } from './exchange.access';
import { exchangeSpec } from './exchange.compiled';
import { primeBudgetTotals } from './budget.resolver';
import { budgetTotalsOf, budgetTotalsSql, type BudgetTotalsRow } from './budget.service';
import { exchangeOf } from './exchange.payload';
import { distanceBand, ErasmusDistanceBand } from './distance-band';
import { Evaluation, Exchange, ExchangeEvent, ExchangeRole, Goal, Visit } from './exchange.entity';
import {
  AddEvaluationInput,
  AddGoalInput,
  AddVisitInput,
  CreateExchangeInput,
  EvaluationPayload,
  ExchangeFilter,
  ExchangePayload,
  GoalPayload,
  RemoveInput,
  TransitionExchangeInput,
  UpdateExchangeInput,
  UpdateGoalInput,
  UpdateVisitInput,
  VisitPayload,
} from './exchange.inputs';
import { participantResolvers } from './participant.resolver';
import { childPages, EVALUATION_ORDER, ExchangeService, GOAL_ORDER, TIMELINE_ORDER, VISIT_ORDER } from './exchange.service';

export const ExchangeConnection = connectionType(Exchange, 'Exchange', 'exchanges');
export const VisitConnection = connectionType(Visit, 'Visit', 'visits');
export const GoalConnection = connectionType(Goal, 'Goal', 'goals');
export const EvaluationConnection = connectionType(Evaluation, 'Evaluation', 'evaluations');
export const ExchangeEventConnection = connectionType(ExchangeEvent, 'ExchangeEvent', 'timeline entries');

@ObjectType({ description: 'A class taking part in an exchange, with its role.' })
export class ExchangeMember {
  @Field(() => ExchangeRole, { description: 'INITIATOR or PARTNER.' })
  role!: ExchangeRole;

  @Field(() => SchoolClass, {
    nullable: true,
    description: 'The class; null for a class not looking for partners, unless you are one of the exchange\'s people (its schools\' coordinators, its classes\' teachers) or an admin.',
  })
  schoolClass!: SchoolClass | null;
}

/**
 * Classes of an exchange as the viewer may see them: its own people see
 * them all; others (apps with exchanges:read) only those open to partners,
 * as everywhere else in the API.
 */
async function visibleClasses(ctx: Context, exchangeId: number, classIds: number[]): Promise<(SchoolClass | null)[]> {
  const [viewer, classes] = await Promise.all([ctx.viewer(), Promise.all(classIds.map((id) => ctx.loaders.schoolClass.load(id)))]);
  const { involved } = await accessToExchange(ctx.loaders, viewer, exchangeId);
  return classes.map((c) => (c && (involved || viewer.canSeeClass(c)) ? c : null));
}

/** The exchange's own people (coordinators of its schools, teachers of its classes) and admins. */
async function involved(ctx: Context, exchangeId: number): Promise<boolean> {
  return (await accessToExchange(ctx.loaders, await ctx.viewer(), exchangeId)).involved;
}

function service(ctx: Context, viewer: Awaited<ReturnType<Context['viewer']>>) {
  return new ExchangeService(ctx.em, viewer, ctx.requestId);
}

/**
 * Exchanges are only returned to callers who may see them (ExchangeAccess),
 * so their public fields need no further check; private parts (participants,
 * host families, money, contact details) check `manage` themselves.
 */
@Resolver(() => Exchange)
export class ExchangeResolver {
  @Query(() => ExchangeConnection, {
    description: 'Exchanges you may see: those of your schools and classes (all, for admins; those past DRAFT, for apps with exchanges:read). Newest first.',
  })
  async exchanges(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ExchangeFilter, { nullable: true, description: 'Conditions the exchanges must meet.' }) filter: ExchangeFilter | null,
    @Ctx() ctx: Context,
  ) {
    return service(ctx, await ctx.viewer()).list(page, filter);
  }

  @Query(() => Exchange, { nullable: true, description: 'One exchange by global id; null if there is none or you may not see it.' })
  async exchange(@Arg('id', () => ID, { description: 'Global id of the exchange.' }) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const localId = filterId(id, 'Exchange', 'id');
    const access = await accessToExchange(ctx.loaders, await ctx.viewer(), localId);
    if (!access.see) return null;
    const exchange = await ctx.loaders.exchange.load(localId);
    if (!exchange) return null;
    // Its lists in one statement, with its budget totals for those who may
    // read them; the rest of its fields from the entity (compiled-read.ts).
    const withTotals = access.manage && selectsField(info, 'budget');
    const compiled = await compileRead(ctx, info, exchangeSpec(access), localId, {
      entity: exchange,
      extras: withTotals ? { totals: (e) => `select json_agg(t) from (${budgetTotalsSql(`${e}.id`)}) t` } : {},
    });
    if (!compiled?.value) return exchange;
    if (withTotals) primeBudgetTotals(ctx, localId, budgetTotalsOf([localId], (compiled.extras.totals ?? []) as BudgetTotalsRow[])[0]!);
    return compiled.value;
  }

  @FieldResolver(() => [ExchangeMember], { description: 'The classes taking part (2–20), the initiator first.' })
  async classes(@Root() exchange: Exchange, @Ctx() ctx: Context): Promise<ExchangeMember[]> {
    const members = await ctx.loaders.exchangeClasses.load(exchange.id);
    const classes = await visibleClasses(ctx, exchange.id, members.map((m) => m.classId));
    return members.map((m, i) => ({ role: m.role, schoolClass: classes[i] ?? null }));
  }

  @FieldResolver(() => ETwinningProject, { nullable: true, description: 'The eTwinning project it belongs to, if any.' })
  eTwinningProject(@Root() exchange: Exchange, @Ctx() ctx: Context) {
    return exchange.eTwinningProjectId == null ? null : ctx.loaders.eTwinningProject.load(exchange.eTwinningProjectId);
  }

  @FieldResolver(() => Exchange, { nullable: true, description: 'The earlier exchange this one follows up (key 9); null if none or you may not see it.' })
  async followsUp(@Root() exchange: Exchange, @Ctx() ctx: Context) {
    if (exchange.followsUpExchangeId == null) return null;
    const access = await accessToExchange(ctx.loaders, await ctx.viewer(), exchange.followsUpExchangeId);
    return access.see ? ctx.loaders.exchange.load(exchange.followsUpExchangeId) : null;
  }

  @FieldResolver(() => VisitConnection, { description: 'Visits, earliest first.' })
  visits(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.nested('Exchange.visits', exchange.id, page, (ids, args) =>
      childPages<Visit>(ctx.em, Visit, 'visit', 'exchange_id', ids, VISIT_ORDER, args),
    );
  }

  @FieldResolver(() => GoalConnection, { description: 'Shared goals, in the order they were added.' })
  goals(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.nested('Exchange.goals', exchange.id, page, (ids, args) =>
      childPages<Goal>(ctx.em, Goal, 'goal', 'exchange_id', ids, GOAL_ORDER, args),
    );
  }

  @FieldResolver(() => ExchangeEventConnection, { description: 'Every change to the exchange (key 8), newest first.' })
  timeline(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.nested('Exchange.timeline', exchange.id, page, (ids, args) =>
      childPages<ExchangeEvent>(ctx.em, ExchangeEvent, 'exchange_event', 'exchange_id', ids, TIMELINE_ORDER, args),
    );
  }

  @FieldResolver(() => Boolean, { description: 'Whether you may change this exchange and read its private parts (participants, host families, budget, contact details).' })
  async viewerCanManage(@Root() exchange: Exchange, @Ctx() ctx: Context) {
    return (await accessToExchange(ctx.loaders, await ctx.viewer(), exchange.id)).manage;
  }

  @Mutation(() => ExchangePayload, { description: 'Starts a new exchange as DRAFT. You must coordinate the initiator class\'s school.' })
  async createExchange(@Arg('input', () => CreateExchangeInput, { description: 'The exchange and its classes.' }) input: CreateExchangeInput, @Ctx() ctx: Context): Promise<ExchangePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).create(input);
    return { exchange: value, userErrors };
  }

  @Mutation(() => ExchangePayload, { description: 'Changes an exchange\'s title, description, themes, European dimension or links. Needs the current version.' })
  async updateExchange(@Arg('input', () => UpdateExchangeInput, { description: 'The changes.' }) input: UpdateExchangeInput, @Ctx() ctx: Context): Promise<ExchangePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).update(input);
    return { exchange: value, userErrors };
  }

  @Mutation(() => ExchangePayload, {
    description:
      'Moves an exchange along DRAFT → PROPOSED → AGREED → PLANNED → ONGOING → EVALUATING → COMPLETED, or to CANCELLED (with a reason) before COMPLETED. ' +
      'Guards: AGREED by a partner school\'s coordinator; PLANNED needs a visit and a goal with an evaluation date; ONGOING from the first visit\'s start date and with parental consent for every participant; ' +
      'EVALUATING after the last visit; COMPLETED needs an evaluation of every goal. A stale version is a CONFLICT; a refused move changes nothing.',
  })
  async transitionExchange(@Arg('input', () => TransitionExchangeInput, { description: 'The exchange, target status and version.' }) input: TransitionExchangeInput, @Ctx() ctx: Context): Promise<ExchangePayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).transition(input);
    return { exchange: value, userErrors };
  }

  @Mutation(() => VisitPayload, { description: 'Adds a visit: guest classes of the exchange travel to a host school of the exchange.' })
  async addVisit(@Arg('input', () => AddVisitInput, { description: 'The visit.' }) input: AddVisitInput, @Ctx() ctx: Context): Promise<VisitPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).addVisit(input);
    return { visit: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => VisitPayload, { description: 'Changes a visit\'s dates, counts, transport or accommodation.' })
  async updateVisit(@Arg('input', () => UpdateVisitInput, { description: 'The changes.' }) input: UpdateVisitInput, @Ctx() ctx: Context): Promise<VisitPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).updateVisit(input);
    return { visit: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => VisitPayload, { description: 'Removes a visit that has not started (exchange DRAFT to PLANNED; a PLANNED exchange keeps at least one).' })
  async removeVisit(@Arg('input', () => RemoveInput, { description: 'The visit.' }) input: RemoveInput, @Ctx() ctx: Context): Promise<VisitPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).removeVisit(input.id);
    return { visit: null, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => GoalPayload, { description: 'Adds a shared goal.' })
  async addGoal(@Arg('input', () => AddGoalInput, { description: 'The goal.' }) input: AddGoalInput, @Ctx() ctx: Context): Promise<GoalPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).addGoal(input);
    return { goal: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => GoalPayload, { description: 'Changes a goal.' })
  async updateGoal(@Arg('input', () => UpdateGoalInput, { description: 'The changes.' }) input: UpdateGoalInput, @Ctx() ctx: Context): Promise<GoalPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).updateGoal(input);
    return { goal: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => EvaluationPayload, { description: 'Records an evaluation of a goal (from AGREED on).' })
  async addEvaluation(@Arg('input', () => AddEvaluationInput, { description: 'The evaluation.' }) input: AddEvaluationInput, @Ctx() ctx: Context): Promise<EvaluationPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).addEvaluation(input);
    const goal = value ? await ctx.em.findOne(Goal, { id: value.goalId }) : null;
    return { evaluation: value, exchange: await exchangeOf(ctx, goal), userErrors };
  }
}

@Resolver(() => Visit)
export class VisitResolver {
  @FieldResolver(() => School, { description: 'The school the guests visit.' })
  hostSchool(@Root() visit: Visit, @Ctx() ctx: Context) {
    return ctx.loaders.school.load(visit.hostSchoolId);
  }

  @FieldResolver(() => [SchoolClass], { description: 'The visiting classes (for apps: those looking for partners).' })
  async guestClasses(@Root() visit: Visit, @Ctx() ctx: Context) {
    const guests = await ctx.loaders.visitGuests.load(visit.id);
    return (await visibleClasses(ctx, visit.exchangeId, guests.map((g) => g.classId))).filter((c) => c !== null);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Practical notes, up to 2000 characters. Internal: null for apps.' })
  async notes(@Root() visit: Visit, @Ctx() ctx: Context) {
    return (await involved(ctx, visit.exchangeId)) ? (visit.notes ?? null) : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Great-circle distance in km (rounded) from the guests\' town to the host town; the longest, when guests come from several towns.',
  })
  async distanceKm(@Root() visit: Visit, @Ctx() ctx: Context): Promise<number | null> {
    return visitDistanceKm(ctx, visit);
  }

  @FieldResolver(() => ErasmusDistanceBand, { nullable: true, description: 'The Erasmus+ distance band of distanceKm; null under 10 km.' })
  async distanceBand(@Root() visit: Visit, @Ctx() ctx: Context) {
    const km = await visitDistanceKm(ctx, visit);
    return km === null ? null : distanceBand(km);
  }

  @FieldResolver(() => Int, { description: 'Length in days, counting the first and the last.' })
  days(@Root() visit: Visit) {
    return daysBetween(toIsoDate(visit.startsOn), toIsoDate(visit.endsOn)) + 1;
  }
}


/** Distance of a visit, through the request's loaders (batched across visits). */
export async function visitDistanceKm(ctx: Context, visit: Visit): Promise<number | null> {
  const [guests, host] = await Promise.all([ctx.loaders.visitGuests.load(visit.id), ctx.loaders.school.load(visit.hostSchoolId)]);
  const classes = await Promise.all(guests.map((g) => ctx.loaders.schoolClass.load(g.classId)));
  const schools = await Promise.all(classes.map((c) => (c ? ctx.loaders.school.load(c.schoolId) : null)));
  const [hostTown, ...guestTowns] = await Promise.all([host?.townId, ...schools.map((s) => s?.townId)].map((id) => (id == null ? null : ctx.loaders.town.load(id))));
  if (!hostTown) return null;
  const distances = guestTowns.filter((t) => t !== null).map((t) => haversineKm(hostTown.latitude, hostTown.longitude, t!.latitude, t!.longitude));
  return distances.length ? Math.round(Math.max(...distances)) : null;
}

@Resolver(() => Goal)
export class GoalResolver {
  @FieldResolver(() => EvaluationConnection, { description: 'Evaluations of this goal, earliest first.' })
  evaluations(@Root() goal: Goal, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ctx.loaders.nested('Goal.evaluations', goal.id, page, (ids, args) =>
      childPages<Evaluation>(ctx.em, Evaluation, 'evaluation', 'goal_id', ids, EVALUATION_ORDER, args),
    );
  }
}

@Resolver(() => Evaluation)
export class EvaluationResolver {
  private async exchangeIdOf(evaluation: Evaluation, ctx: Context): Promise<number | null> {
    return (await ctx.loaders.goal.load(evaluation.goalId))?.exchangeId ?? null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who recorded it; null for apps.' })
  async by(@Root() evaluation: Evaluation, @Ctx() ctx: Context) {
    const exchangeId = await this.exchangeIdOf(evaluation, ctx);
    if (evaluation.byUserId == null || exchangeId === null || !(await involved(ctx, exchangeId))) return null;
    return ctx.loaders.user.load(evaluation.byUserId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Notes, up to 4000 characters. Internal: null for apps.' })
  async notes(@Root() evaluation: Evaluation, @Ctx() ctx: Context) {
    const exchangeId = await this.exchangeIdOf(evaluation, ctx);
    return exchangeId !== null && (await involved(ctx, exchangeId)) ? (evaluation.notes ?? null) : null;
  }
}

@Resolver(() => ExchangeEvent)
export class ExchangeEventResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who made the change; null when an app made it, the user was deleted, or you are an app yourself.' })
  async actor(@Root() event: ExchangeEvent, @Ctx() ctx: Context) {
    if (event.actorUserId == null || !(await involved(ctx, event.exchangeId))) return null;
    return ctx.loaders.user.load(event.actorUserId);
  }
}

@Resolver(() => School)
export class SchoolExchangesResolver {
  @FieldResolver(() => ExchangeConnection, { description: 'Exchanges with a class of this school that you may see, newest first.' })
  async exchanges(
    @Root() school: School,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ExchangeFilter, { nullable: true, description: 'Conditions the exchanges must meet.' }) filter: ExchangeFilter | null,
    @Ctx() ctx: Context,
  ) {
    const viewer = await ctx.viewer();
    return ctx.loaders.nested('School.exchanges', school.id, { ...page, filter }, (ids, args) => service(ctx, viewer).ofSchools(ids, args, filter));
  }
}

@Resolver(() => SchoolClass)
export class SchoolClassExchangesResolver {
  @FieldResolver(() => ExchangeConnection, { description: 'Exchanges of this class that you may see, newest first.' })
  async exchanges(
    @Root() schoolClass: SchoolClass,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ExchangeFilter, { nullable: true, description: 'Conditions the exchanges must meet.' }) filter: ExchangeFilter | null,
    @Ctx() ctx: Context,
  ) {
    const viewer = await ctx.viewer();
    return ctx.loaders.nested('SchoolClass.exchanges', schoolClass.id, { ...page, filter }, (ids, args) => service(ctx, viewer).ofClasses(ids, args, filter));
  }
}

export const exchangeResolvers = [
  ExchangeResolver,
  VisitResolver,
  GoalResolver,
  EvaluationResolver,
  ExchangeEventResolver,
  SchoolExchangesResolver,
  SchoolClassExchangesResolver,
  ...participantResolvers,
] as const;
