import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass } from '@mikro-orm/core';
import { placeholders } from '../../lib/sql';
import { daysBetween, todayUtc } from '../../lib/dates';
import { toIsoDate } from '../common/scalars';
import { requireAllowed, requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { filterId } from '../common/filters';
import { fetchNestedPages, fetchPage, SortDirection, type ConnectionResult, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { ETwinningProject } from '../etwinning/etwinning.entity';
import { SchoolClass, Theme } from '../school-class/school-class.entity';
import { BadUserInputError } from '../../lib/errors';
import { isCountryCode } from '../../lib/codes';
import { ExchangeAccess } from './exchange.access';
import { childUnderLock, changeExchange, exchangeIdOf, ExchangeChangeService, type ChangeScope } from './exchange.change';
import {
  Evaluation,
  Exchange,
  ExchangeClass,
  ExchangeEvent,
  ExchangeEventKind,
  ExchangeRole,
  ExchangeStatus,
  GREEN_BY_DEFAULT,
  Goal,
  NEVER_GREEN,
  Visit,
  VisitGuestClass,
  type TransportMode,
} from './exchange.entity';
import type {
  AddEvaluationInput,
  AddGoalInput,
  AddVisitInput,
  CreateExchangeInput,
  ExchangeFilter,
  TransitionExchangeInput,
  UpdateExchangeInput,
  UpdateGoalInput,
  UpdateVisitInput,
} from './exchange.inputs';

const NEWEST_FIRST: Ordering = { key: 'ID:DESC', column: { sql: 'e.id', type: 'number' }, direction: SortDirection.DESC };
const CHILD_ORDER = (alias: string, column: string, type: 'number' | 'string' = 'string'): Ordering => ({
  key: `${column.toUpperCase()}:ASC`,
  column: { sql: `${alias}.${column}`, type },
  direction: SortDirection.ASC,
});

/** The moves the lifecycle allows. CANCELLED is reachable from every state before COMPLETED. */
export const EXCHANGE_TRANSITIONS: Record<ExchangeStatus, readonly ExchangeStatus[]> = {
  [ExchangeStatus.DRAFT]: [ExchangeStatus.PROPOSED, ExchangeStatus.CANCELLED],
  [ExchangeStatus.PROPOSED]: [ExchangeStatus.AGREED, ExchangeStatus.CANCELLED],
  [ExchangeStatus.AGREED]: [ExchangeStatus.PLANNED, ExchangeStatus.CANCELLED],
  [ExchangeStatus.PLANNED]: [ExchangeStatus.ONGOING, ExchangeStatus.CANCELLED],
  [ExchangeStatus.ONGOING]: [ExchangeStatus.EVALUATING, ExchangeStatus.CANCELLED],
  [ExchangeStatus.EVALUATING]: [ExchangeStatus.COMPLETED, ExchangeStatus.CANCELLED],
  [ExchangeStatus.COMPLETED]: [],
  [ExchangeStatus.CANCELLED]: [],
};

const MAX_CLASSES = 20;
const OVERLAP = { field: ['startsOn'], code: UserErrorCode.VISIT_OVERLAP, message: 'A guest class already has another visit on some of these dates.' };
const MAX_VISIT_DAYS = 60;


/** Rows of a child table for many exchanges (or goals) at once, in one statement. */
export function childPages<T>(
  em: EntityManager,
  entity: EntityClass<T>,
  table: string,
  parentColumn: string,
  parentIds: readonly number[],
  order: Ordering,
  args: PageArgs,
  where: string[] = [],
): Promise<ConnectionResult<T>[]> {
  const list: ListSql = { entity: entity as EntityClass<object>, select: 't.*', from: `${table} t`, idColumn: 't.id', where, params: [] };
  return fetchNestedPages<T>(em, list, `t.${parentColumn}`, parentIds, order, args);
}

export const VISIT_ORDER = CHILD_ORDER('t', 'starts_on');
export const GOAL_ORDER = CHILD_ORDER('t', 'id', 'number');
export const EVALUATION_ORDER = CHILD_ORDER('t', 'evaluated_on');
export const TIMELINE_ORDER: Ordering = { key: 'ID:DESC', column: { sql: 't.id', type: 'number' }, direction: SortDirection.DESC };

/**
 * Exchanges: lists and the lifecycle, visits, goals and evaluations. Every
 * change goes through changeExchange (one transaction, row lock, version,
 * timeline).
 */
export class ExchangeService extends ExchangeChangeService {
  private readonly access: ExchangeAccess;

  constructor(em: EntityManager, viewer: Viewer, requestId: string | null = null) {
    super(em, viewer, requestId);
    this.access = new ExchangeAccess(viewer);
  }

  // ---------------------------------------------------------------- reading

  private listSql(filter: ExchangeFilter | null | undefined): ListSql {
    const params: unknown[] = [];
    const visibility = this.access.visibilitySql('e', params);
    const where = visibility ? [visibility] : [];
    if (filter?.statuses?.length) {
      where.push(`e.status in (${placeholders(filter.statuses)})`);
      params.push(...filter.statuses);
    }
    if (filter?.themes?.length) {
      where.push(`e.themes && ?::text[]`);
      params.push(`{${filter.themes.join(',')}}`);
    }
    if (filter?.classId != null) {
      where.push('exists (select 1 from exchange_class fc where fc.exchange_id = e.id and fc.class_id = ?)');
      params.push(filterId(filter.classId, 'SchoolClass', 'filter.classId'));
    }
    if (filter?.schoolId != null) {
      where.push('exists (select 1 from exchange_class fs where fs.exchange_id = e.id and fs.school_id = ?)');
      params.push(filterId(filter.schoolId, 'School', 'filter.schoolId'));
    }
    if (filter?.townId != null) {
      where.push('exists (select 1 from exchange_class ft join school s on s.id = ft.school_id where ft.exchange_id = e.id and s.town_id = ?)');
      params.push(filterId(filter.townId, 'Town', 'filter.townId'));
    }
    if (filter?.countries?.length) {
      filter.countries.forEach((c, i) => {
        if (!isCountryCode(c)) throw new BadUserInputError(`filter.countries[${i}]: "${c}" is not an ISO 3166-1 alpha-2 code.`, { argument: 'filter.countries' });
      });
      where.push(`exists (select 1 from exchange_class fk join school s on s.id = fk.school_id join town t on t.id = s.town_id
        where fk.exchange_id = e.id and t.country in (${placeholders(filter.countries)}))`);
      params.push(...filter.countries);
    }
    if (filter?.from != null || filter?.to != null) {
      const dates: string[] = [];
      if (filter.from != null) {
        dates.push('fv.ends_on >= ?::date');
        params.push(filter.from);
      }
      if (filter.to != null) {
        dates.push('fv.starts_on <= ?::date');
        params.push(filter.to);
      }
      where.push(`exists (select 1 from visit fv where fv.exchange_id = e.id and ${dates.join(' and ')})`);
    }
    return { entity: Exchange, select: 'e.*', from: 'exchange e', idColumn: 'e.id', where, params };
  }

  list(args: PageArgs, filter?: ExchangeFilter | null) {
    return fetchPage<Exchange>(this.em, this.listSql(filter), NEWEST_FIRST, args);
  }

  /** Exchanges of many schools (School.exchanges) in one statement. */
  ofSchools(schoolIds: readonly number[], args: PageArgs, filter?: ExchangeFilter | null) {
    const list = this.listSql(filter);
    list.from = 'exchange e join (select distinct exchange_id, school_id from exchange_class) px on px.exchange_id = e.id';
    return fetchNestedPages<Exchange>(this.em, list, 'px.school_id', schoolIds, NEWEST_FIRST, args);
  }

  /** Exchanges of many classes (SchoolClass.exchanges) in one statement. */
  ofClasses(classIds: readonly number[], args: PageArgs, filter?: ExchangeFilter | null) {
    const list = this.listSql(filter);
    list.from = 'exchange e join exchange_class px on px.exchange_id = e.id';
    return fetchNestedPages<Exchange>(this.em, list, 'px.class_id', classIds, NEWEST_FIRST, args);
  }

  // ------------------------------------------------------------- the exchange

  /** A new DRAFT exchange. The caller must coordinate the initiator class's school (or be an admin). */
  async create(input: CreateExchangeInput): Promise<Result<Exchange>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const title = check.text(['title'], input.title, 200, true);
    const description = check.text(['description'], input.description, 4000, false);
    const europeanDimension = check.text(['europeanDimension'], input.europeanDimension, 4000, false);
    const themes = [...new Set(input.themes ?? [])];
    const classIds = input.classes.map((c, i) => check.globalId(['classes', i, 'classId'], c.classId, 'SchoolClass'));
    const projectId = input.eTwinningProjectId != null ? check.globalId(['eTwinningProjectId'], input.eTwinningProjectId, 'ETwinningProject') : null;
    const followsUpId = input.followsUpExchangeId != null ? check.globalId(['followsUpExchangeId'], input.followsUpExchangeId, 'Exchange') : null;
    if (input.classes.length > MAX_CLASSES) check.add(['classes'], UserErrorCode.TOO_MANY, `At most ${MAX_CLASSES} classes.`);
    if (input.classes.filter((c) => c.role === ExchangeRole.INITIATOR).length !== 1) {
      check.add(['classes'], UserErrorCode.ONE_INITIATOR, 'Exactly one class must be the INITIATOR.');
    }
    if (new Set(classIds).size !== classIds.length) check.add(['classes'], UserErrorCode.DUPLICATE, 'A class is listed twice.');
    if (!check.ok) return { value: null, userErrors: check.errors };

    return this.em.transactional(async (em) => {
      const ids = classIds as number[];
      const classes = await em.find(SchoolClass, { id: { $in: ids } });
      const byId = new Map(classes.map((c) => [c.id, c]));
      input.classes.forEach((c, i) => {
        const found = byId.get(ids[i]!);
        if (!found || !this.viewer.canSeeClass(found)) check.add(['classes', i, 'classId'], UserErrorCode.NOT_FOUND, 'No class has this id.');
      });
      if (!check.ok) return { value: null, userErrors: check.errors };
      const initiator = byId.get(ids[input.classes.findIndex((c) => c.role === ExchangeRole.INITIATOR)]!)!;
      requireAllowed(this.viewer, this.viewer.canManageSchool(initiator.schoolId), 'start an exchange for this school');
      if (new Set(classes.map((c) => c.schoolId)).size < 2) {
        check.add(['classes'], UserErrorCode.NOT_ENOUGH_CLASSES, 'An exchange needs classes of at least two schools.');
      }
      if (projectId !== null && !(await em.count(ETwinningProject, { id: projectId }))) {
        check.add(['eTwinningProjectId'], UserErrorCode.NOT_FOUND, 'No eTwinning project has this id.');
      }
      if (followsUpId !== null && !(await this.visibleExchange(em, followsUpId))) {
        check.add(['followsUpExchangeId'], UserErrorCode.NOT_FOUND, 'No exchange has this id.');
      }
      if (!check.ok) return { value: null, userErrors: check.errors };
      const exchange = em.create(Exchange, {
        title: title!,
        description,
        themes,
        europeanDimension,
        eTwinningProjectId: projectId,
        followsUpExchangeId: followsUpId,
        createdByUserId: this.viewer.userId,
      });
      await em.flush();
      input.classes.forEach((c, i) => {
        const cls = byId.get(ids[i]!)!;
        em.create(ExchangeClass, { exchangeId: exchange.id, classId: cls.id, schoolId: cls.schoolId, role: c.role });
      });
      em.create(ExchangeEvent, {
        exchangeId: exchange.id,
        kind: ExchangeEventKind.CREATED,
        summary: `Exchange "${exchange.title}" created with ${input.classes.length} classes.`,
        actorUserId: this.viewer.userId,
        actorClientId: this.viewer.clientId,
        requestId: this.requestId,
      });
      await em.flush();
      return { value: exchange, userErrors: [] };
    });
  }

  private async visibleExchange(em: EntityManager, id: number): Promise<boolean> {
    const exchange = await em.findOne(Exchange, { id });
    if (!exchange) return false;
    return this.access.canSee(exchange, await em.find(ExchangeClass, { exchangeId: id }));
  }

  async update(input: UpdateExchangeInput): Promise<Result<Exchange>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'Exchange');
    const changes: Partial<Exchange> = {};
    if (input.title !== undefined) changes.title = check.text(['title'], input.title, 200, true) ?? undefined;
    if (input.description !== undefined) changes.description = check.text(['description'], input.description, 4000, false);
    if (input.europeanDimension !== undefined) changes.europeanDimension = check.text(['europeanDimension'], input.europeanDimension, 4000, false);
    if (input.themes != null) changes.themes = [...new Set(input.themes)] as Theme[];
    if (input.eTwinningProjectId !== undefined) {
      changes.eTwinningProjectId = input.eTwinningProjectId === null ? null : check.globalId(['eTwinningProjectId'], input.eTwinningProjectId, 'ETwinningProject');
    }
    if (input.followsUpExchangeId !== undefined) {
      changes.followsUpExchangeId = input.followsUpExchangeId === null ? null : check.globalId(['followsUpExchangeId'], input.followsUpExchangeId, 'Exchange');
      if (changes.followsUpExchangeId != null && changes.followsUpExchangeId === id) {
        check.add(['followsUpExchangeId'], UserErrorCode.INVALID_VALUE, 'An exchange cannot follow up itself.');
      }
    }
    return changeExchange(this.em, this.actor, id, check, { idField: ['id'], expectedVersion: input.version }, async ({ em, exchange, record }) => {
      if (changes.eTwinningProjectId != null && !(await em.count(ETwinningProject, { id: changes.eTwinningProjectId }))) {
        check.add(['eTwinningProjectId'], UserErrorCode.NOT_FOUND, 'No eTwinning project has this id.');
      }
      if (changes.followsUpExchangeId != null && !(await this.visibleExchange(em, changes.followsUpExchangeId))) {
        check.add(['followsUpExchangeId'], UserErrorCode.NOT_FOUND, 'No exchange has this id.');
      }
      if (!check.ok) return null;
      const changed = Object.keys(changes);
      Object.assign(exchange, changes);
      record(ExchangeEventKind.UPDATED, `Changed ${changed.length ? changed.join(', ') : 'nothing'}.`);
      return exchange;
    });
  }

  /**
   * Moves the exchange along its lifecycle. In order: the version (CONFLICT),
   * the move itself (INVALID_TRANSITION), then the guard of the target state.
   */
  async transition(input: TransitionExchangeInput): Promise<Result<Exchange>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'Exchange');
    const reason = check.text(['reason'], input.reason, 2000, false);
    return changeExchange(this.em, this.actor, id, check, { idField: ['id'], expectedVersion: input.version }, async (scope) => {
      const { exchange, record } = scope;
      const from = exchange.status;
      if (!EXCHANGE_TRANSITIONS[from].includes(input.to)) {
        check.add(['to'], UserErrorCode.INVALID_TRANSITION, `A ${from} exchange cannot become ${input.to}.`);
        return null;
      }
      await this.guard(scope, input.to, reason);
      if (!check.ok) return null;
      exchange.status = input.to;
      if (input.to === ExchangeStatus.CANCELLED) exchange.cancelReason = reason;
      record(ExchangeEventKind.STATUS_CHANGED, `Status changed from ${from} to ${input.to}${reason ? `: ${reason}` : '.'}`, { from, to: input.to });
      return exchange;
    });
  }

  /** The guards of each target state (key 4: no plan without goals and evaluation dates). */
  private async guard({ em, exchange, classes, check }: ChangeScope, to: ExchangeStatus, reason: string | null): Promise<void> {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    switch (to) {
      case ExchangeStatus.PROPOSED: {
        const initiator = classes.find((c) => c.role === ExchangeRole.INITIATOR);
        if (!this.viewer.isAdmin && !(initiator && this.viewer.coordinates(initiator.schoolId))) {
          check.add(['to'], UserErrorCode.INITIATOR_MUST_PROPOSE, 'A coordinator of the initiating school proposes the exchange.');
        }
        return;
      }
      case ExchangeStatus.AGREED: {
        const partnerSchools = classes.filter((c) => c.role === ExchangeRole.PARTNER).map((c) => c.schoolId);
        if (!this.viewer.isAdmin && !partnerSchools.some((s) => this.viewer.coordinates(s))) {
          check.add(['to'], UserErrorCode.PARTNER_MUST_AGREE, 'A coordinator of a partner school must agree to the exchange.');
        }
        return;
      }
      case ExchangeStatus.PLANNED: {
        const [row] = await conn.execute<{ visits: number; goals: number }[]>(
          `select (select count(*)::int from visit where exchange_id = ?) as visits,
                  (select count(*)::int from goal where exchange_id = ? and evaluation_on is not null) as goals`,
          [exchange.id, exchange.id], 'all', tx,
        );
        if (!row!.visits) check.add(['to'], UserErrorCode.NO_VISIT, 'Add at least one visit with dates before planning.');
        if (!row!.goals) check.add(['to'], UserErrorCode.NO_GOAL_WITH_EVALUATION_DATE, 'Agree at least one goal with an evaluation date before planning.');
        return;
      }
      case ExchangeStatus.ONGOING: {
        const [row] = await conn.execute<{ first: string | Date | null; unconsented: number }[]>(
          `select (select min(starts_on) from visit where exchange_id = ?) as first,
                  (select count(*)::int from participant where exchange_id = ? and erased_at is null and parental_consent_on is null) as unconsented`,
          [exchange.id, exchange.id], 'all', tx,
        );
        const first = row!.first == null ? null : toIsoDate(row!.first);
        if (first === null || first > todayUtc()) {
          check.add(['to'], UserErrorCode.NOT_STARTED, first ? `The first visit starts on ${first}.` : 'The exchange has no visit.');
        }
        if (row!.unconsented) {
          check.add(['to'], UserErrorCode.MISSING_PARENTAL_CONSENT, `${row!.unconsented} participant(s) have no parental consent.`);
        }
        return;
      }
      case ExchangeStatus.EVALUATING: {
        const [row] = await conn.execute<{ last: string | Date | null }[]>(
          'select max(ends_on) as last from visit where exchange_id = ?', [exchange.id], 'all', tx,
        );
        const last = row!.last == null ? null : toIsoDate(row!.last);
        if (last !== null && last >= todayUtc()) check.add(['to'], UserErrorCode.VISITS_NOT_OVER, `The last visit ends on ${last}.`);
        return;
      }
      case ExchangeStatus.COMPLETED: {
        const [row] = await conn.execute<{ goals: number; unevaluated: number }[]>(
          `select count(*)::int as goals,
                  count(*) filter (where not exists (select 1 from evaluation ev where ev.goal_id = g.id))::int as unevaluated
           from goal g where g.exchange_id = ?`,
          [exchange.id], 'all', tx,
        );
        if (!row!.goals || row!.unevaluated) {
          check.add(['to'], UserErrorCode.GOALS_NOT_EVALUATED, row!.goals ? `${row!.unevaluated} goal(s) have no evaluation.` : 'The exchange has no goals to evaluate.');
        }
        return;
      }
      case ExchangeStatus.CANCELLED:
        if (!reason) check.add(['reason'], UserErrorCode.REASON_REQUIRED, 'Say why the exchange is cancelled.');
        return;
      default:
        return;
    }
  }

  // ----------------------------------------------------------------- visits

  async addVisit(input: AddVisitInput): Promise<Result<Visit>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const hostSchoolId = check.globalId(['hostSchoolId'], input.hostSchoolId, 'School');
    if (input.guestClassIds.length === 0) check.add(['guestClassIds'], UserErrorCode.REQUIRED, 'Name at least one guest class.');
    if (input.guestClassIds.length > MAX_CLASSES) check.add(['guestClassIds'], UserErrorCode.TOO_MANY, `At most ${MAX_CLASSES} guest classes.`);
    const guestIds = [...new Set(input.guestClassIds.map((g, i) => check.globalId(['guestClassIds', i], g, 'SchoolClass')))];
    const notes = check.text(['notes'], input.notes, 2000, false);
    checkVisitFields(check, input);
    const greenTravel = input.greenTravel ?? GREEN_BY_DEFAULT.includes(input.transportMode);
    checkGreen(check, input.transportMode, greenTravel);
    const options = { idField: ['exchangeId'], constraints: { visit_guest_class_no_overlap: OVERLAP } };
    return changeExchange(this.em, this.actor, exchangeId, check, options, async ({ em, classes, record }) => {
      checkParticipants(check, classes, hostSchoolId!, guestIds as number[]);
      if (!check.ok) return null;
      await checkOverlap(em, check, guestIds as number[], input.startsOn, input.endsOn, null);
      if (!check.ok) return null;
      const visit = em.create(Visit, {
        exchangeId: exchangeId!,
        hostSchoolId: hostSchoolId!,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        participantCount: input.participantCount,
        accompanyingTeacherCount: input.accompanyingTeacherCount,
        transportMode: input.transportMode,
        greenTravel,
        accommodation: input.accommodation,
        notes,
      });
      await em.flush();
      for (const classId of guestIds as number[]) em.create(VisitGuestClass, { visitId: visit.id, classId, startsOn: input.startsOn, endsOn: input.endsOn });
      await em.flush();
      record(ExchangeEventKind.VISIT_ADDED, `Visit added: ${input.startsOn} to ${input.endsOn}, ${input.participantCount} pupils.`);
      return visit;
    });
  }

  async updateVisit(input: UpdateVisitInput): Promise<Result<Visit>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'Visit');
    const exchangeId = await exchangeIdOf(this.em, 'visit', id, check, ['id']);
    const notes = input.notes !== undefined ? check.text(['notes'], input.notes, 2000, false) : undefined;
    const options = { idField: ['id'], constraints: { visit_guest_class_no_overlap: OVERLAP } };
    return changeExchange(this.em, this.actor, exchangeId, check, options, async ({ em, exchange, record }) => {
      const visit = await em.findOne(Visit, { id: id! }, { refresh: true });
      if (!visit) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'Nothing you may see has this id.');
        return null;
      }
      // What happened stays on record: no date of an evaluated exchange's visits moves, nor the start of a visit under way.
      const started = toIsoDate(visit.startsOn) <= todayUtc();
      const movesStart = input.startsOn != null && input.startsOn !== toIsoDate(visit.startsOn);
      const movesEnd = input.endsOn != null && input.endsOn !== toIsoDate(visit.endsOn);
      if ((exchange.status === ExchangeStatus.EVALUATING && (movesStart || movesEnd)) || (exchange.status === ExchangeStatus.ONGOING && started && movesStart)) {
        check.add([movesStart ? 'startsOn' : 'endsOn'], UserErrorCode.VISIT_STARTED, 'This visit has started; its dates stay on record.');
        return null;
      }
      const next = {
        startsOn: input.startsOn ?? visit.startsOn,
        endsOn: input.endsOn ?? visit.endsOn,
        participantCount: input.participantCount ?? visit.participantCount,
        accompanyingTeacherCount: input.accompanyingTeacherCount ?? visit.accompanyingTeacherCount,
        transportMode: input.transportMode ?? visit.transportMode,
      };
      checkVisitFields(check, next);
      const greenTravel = input.greenTravel ?? (input.transportMode ? GREEN_BY_DEFAULT.includes(input.transportMode) : visit.greenTravel);
      checkGreen(check, next.transportMode, greenTravel);
      if (!check.ok) return null;
      if (next.startsOn !== visit.startsOn || next.endsOn !== visit.endsOn) {
        const guests = await em.find(VisitGuestClass, { visitId: visit.id });
        await checkOverlap(em, check, guests.map((g) => g.classId), next.startsOn, next.endsOn, visit.id);
        if (!check.ok) return null;
      }
      Object.assign(visit, next, { greenTravel, accommodation: input.accommodation ?? visit.accommodation });
      if (notes !== undefined) visit.notes = notes;
      record(ExchangeEventKind.VISIT_CHANGED, `Visit changed: ${visit.startsOn} to ${visit.endsOn}.`);
      return visit;
    });
  }

  async removeVisit(globalId: string): Promise<Result<Visit>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'Visit');
    const exchangeId = await exchangeIdOf(this.em, 'visit', id, check, ['id']);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, exchange, record }) => {
      if (![ExchangeStatus.DRAFT, ExchangeStatus.PROPOSED, ExchangeStatus.AGREED, ExchangeStatus.PLANNED].includes(exchange.status)) {
        check.add(['id'], UserErrorCode.INVALID_TRANSITION, `Visits of a ${exchange.status} exchange have happened or are happening; they stay on record.`);
        return null;
      }
      const visit = await childUnderLock(em, check, Visit, id!);
      if (!visit) return null;
      const count = await em.count(Visit, { exchangeId: exchange.id });
      if (exchange.status === ExchangeStatus.PLANNED && count === 1) {
        check.add(['id'], UserErrorCode.NO_VISIT, 'A PLANNED exchange keeps at least one visit.');
        return null;
      }
      await em.nativeDelete(Visit, { id: visit.id });
      record(ExchangeEventKind.VISIT_REMOVED, `Visit of ${visit.startsOn} to ${visit.endsOn} removed.`);
      return visit;
    });
  }

  // ------------------------------------------------------ goals, evaluations

  async addGoal(input: AddGoalInput): Promise<Result<Goal>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const description = check.text(['description'], input.description, 2000, true);
    const indicator = check.text(['indicator'], input.indicator, 500, false);
    const target = check.text(['target'], input.target, 500, false);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['exchangeId'] }, async ({ em, record }) => {
      const goal = em.create(Goal, { exchangeId: exchangeId!, description: description!, indicator, target, evaluationOn: input.evaluationOn ?? null });
      await em.flush();
      record(ExchangeEventKind.GOAL_ADDED, `Goal added${goal.evaluationOn ? `, to be evaluated on ${goal.evaluationOn}` : ''}.`);
      return goal;
    });
  }

  async updateGoal(input: UpdateGoalInput): Promise<Result<Goal>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'Goal');
    const exchangeId = await exchangeIdOf(this.em, 'goal', id, check, ['id']);
    const changes: Partial<Goal> = {};
    if (input.description != null) changes.description = check.text(['description'], input.description, 2000, true) ?? undefined;
    if (input.indicator !== undefined) changes.indicator = check.text(['indicator'], input.indicator, 500, false);
    if (input.target !== undefined) changes.target = check.text(['target'], input.target, 500, false);
    if (input.evaluationOn !== undefined) changes.evaluationOn = input.evaluationOn;
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, exchange, record }) => {
      const goal = await childUnderLock(em, check, Goal, id!);
      if (!goal) return null;
      if (changes.evaluationOn === null && goal.evaluationOn && exchange.status !== ExchangeStatus.DRAFT) {
        const others = await em.count(Goal, { exchangeId: exchange.id, evaluationOn: { $ne: null }, id: { $ne: goal.id } });
        const planned = [ExchangeStatus.PLANNED, ExchangeStatus.ONGOING, ExchangeStatus.EVALUATING].includes(exchange.status);
        if (planned && others === 0) {
          check.add(['evaluationOn'], UserErrorCode.NO_GOAL_WITH_EVALUATION_DATE, 'A planned exchange keeps at least one goal with an evaluation date.');
          return null;
        }
      }
      Object.assign(goal, changes);
      record(ExchangeEventKind.GOAL_CHANGED, `Goal changed (${Object.keys(changes).join(', ') || 'nothing'}).`);
      return goal;
    });
  }

  async addEvaluation(input: AddEvaluationInput): Promise<Result<Evaluation>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const goalId = check.globalId(['goalId'], input.goalId, 'Goal');
    const exchangeId = await exchangeIdOf(this.em, 'goal', goalId, check, ['goalId']);
    const notes = check.text(['notes'], input.notes, 4000, false);
    check.wholeNumber(['outcome'], input.outcome, 1, 5);
    if (input.evaluatedOn > todayUtc()) check.add(['evaluatedOn'], UserErrorCode.INVALID_DATE_RANGE, 'An evaluation cannot be dated in the future.');
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['goalId'] }, async ({ em, exchange, record }) => {
      if ([ExchangeStatus.DRAFT, ExchangeStatus.PROPOSED].includes(exchange.status)) {
        check.add(['goalId'], UserErrorCode.INVALID_TRANSITION, `Goals of a ${exchange.status} exchange are not agreed yet; evaluate them once it is.`);
        return null;
      }
      const evaluation = em.create(Evaluation, {
        goalId: goalId!,
        evaluatedOn: input.evaluatedOn,
        outcome: input.outcome,
        notes,
        byUserId: this.viewer.userId,
      });
      await em.flush();
      record(ExchangeEventKind.EVALUATION_ADDED, `Goal evaluated on ${input.evaluatedOn}: outcome ${input.outcome}/5.`);
      return evaluation;
    });
  }
}


function checkVisitFields(
  check: InputChecker,
  v: { startsOn: string; endsOn: string; participantCount: number; accompanyingTeacherCount: number },
): void {
  if (v.endsOn < v.startsOn) {
    check.add(['endsOn'], UserErrorCode.INVALID_DATE_RANGE, 'endsOn must be on or after startsOn.');
  } else if (daysBetween(v.startsOn, v.endsOn) + 1 > MAX_VISIT_DAYS) {
    check.add(['endsOn'], UserErrorCode.VISIT_TOO_LONG, `A visit lasts at most ${MAX_VISIT_DAYS} days.`);
  }
  check.wholeNumber(['participantCount'], v.participantCount, 0, 500);
  check.wholeNumber(['accompanyingTeacherCount'], v.accompanyingTeacherCount, 0, 100);
}

function checkGreen(check: InputChecker, mode: TransportMode, green: boolean): void {
  if (green && NEVER_GREEN.includes(mode)) check.add(['greenTravel'], UserErrorCode.INVALID_VALUE, `${mode} is never green travel.`);
}

function checkParticipants(check: InputChecker, classes: ExchangeClass[], hostSchoolId: number, guestIds: number[]): void {
  if (!classes.some((c) => c.schoolId === hostSchoolId)) {
    check.add(['hostSchoolId'], UserErrorCode.NOT_IN_EXCHANGE, 'The host school has no class in this exchange.');
  }
  guestIds.forEach((id, i) => {
    const guest = classes.find((c) => c.classId === id);
    if (!guest) check.add(['guestClassIds', i], UserErrorCode.NOT_IN_EXCHANGE, 'This class is not in the exchange.');
    else if (guest.schoolId === hostSchoolId) check.add(['guestClassIds', i], UserErrorCode.GUEST_IS_HOST, 'A class cannot visit its own school.');
  });
}

/** The friendly check; the exclusion constraint on visit_guest_class is the one that holds under races. */
async function checkOverlap(em: EntityManager, check: InputChecker, classIds: number[], startsOn: string, endsOn: string, exceptVisit: number | null): Promise<void> {
  if (!classIds.length) return;
  const rows = await em.getConnection().execute<{ class_id: number }[]>(
    `select distinct class_id from visit_guest_class
     where class_id in (${placeholders(classIds)}) and starts_on <= ?::date and ends_on >= ?::date and visit_id <> ?`,
    [...classIds, endsOn, startsOn, exceptVisit ?? 0],
    'all',
    em.getTransactionContext(),
  );
  if (rows.length) {
    check.add(['startsOn'], UserErrorCode.VISIT_OVERLAP, `${rows.length} guest class(es) already have a visit on some of these dates.`);
  }
}
