import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';
import { DateScalar } from '../common/scalars';
import { Theme } from '../school-class/school-class.entity';

export enum ExchangeStatus {
  DRAFT = 'DRAFT',
  PROPOSED = 'PROPOSED',
  AGREED = 'AGREED',
  PLANNED = 'PLANNED',
  ONGOING = 'ONGOING',
  EVALUATING = 'EVALUATING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ExchangeStatus, {
  name: 'ExchangeStatus',
  description: 'Where an exchange stands: DRAFT → PROPOSED → AGREED → PLANNED → ONGOING → EVALUATING → COMPLETED, or CANCELLED from any state before COMPLETED.',
  valuesConfig: {
    DRAFT: { description: 'Being written; only the people of its schools see it, and only the initiating school proposes it.' },
    PROPOSED: { description: 'Sent to the partner schools for agreement.' },
    AGREED: { description: 'A partner school agreed; visits, goals and budget are being planned.' },
    PLANNED: { description: 'At least one visit with dates and one goal with an evaluation date exist.' },
    ONGOING: { description: 'The first visit has started.' },
    EVALUATING: { description: 'The visits are over; goals are being evaluated.' },
    COMPLETED: { description: 'Every goal is evaluated. Nothing changes any more.' },
    CANCELLED: { description: 'Called off, with a reason. Nothing changes any more.' },
  },
});

/** Statuses in which nothing about an exchange may change any more. */
export const CLOSED_EXCHANGE_STATUSES: readonly ExchangeStatus[] = [ExchangeStatus.COMPLETED, ExchangeStatus.CANCELLED];

export enum ExchangeRole {
  INITIATOR = 'INITIATOR',
  PARTNER = 'PARTNER',
}
registerEnumType(ExchangeRole, {
  name: 'ExchangeRole',
  description: 'The part a class plays in an exchange.',
  valuesConfig: {
    INITIATOR: { description: 'The class whose school started the exchange (exactly one per exchange).' },
    PARTNER: { description: 'A partner class.' },
  },
});

/**
 * A pupil exchange between two or more classes (keys 3, 4, 9 of the
 * twinning guide): what it is about, where it stands, and what it follows up.
 * `version` grows with every change and guards against lost updates.
 */
@ObjectType({ implements: Node, description: 'A pupil exchange between two or more classes, from first draft to final evaluation.' })
@Entity({ tableName: 'exchange' })
export class Exchange implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'status' | 'version' | 'themes';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'Title, up to 200 characters.' })
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String, { nullable: true, description: 'What the exchange is about, up to 4000 characters.' })
  @Property({ type: 'string', length: 4000, nullable: true })
  description?: string | null;

  @Field(() => [Theme], { description: 'Topical themes (key 7 of the twinning guide).' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  themes: Theme[] = [];

  @Field(() => String, {
    nullable: true,
    description: 'How the exchange lets pupils live European citizenship: the everyday life of others, their languages, shared issues (key 3). Up to 4000 characters.',
  })
  @Property({ type: 'string', length: 4000, nullable: true })
  europeanDimension?: string | null;

  @Property({ type: 'integer', nullable: true, fieldName: 'etwinning_project_id' })
  eTwinningProjectId?: number | null;

  @Property({ type: 'integer', nullable: true })
  followsUpExchangeId?: number | null;

  @Field(() => ExchangeStatus, { description: 'Where the exchange stands.' })
  @Property({ type: 'string', length: 20 })
  status: ExchangeStatus = ExchangeStatus.DRAFT;

  @Field(() => String, { nullable: true, description: 'Why it was cancelled; set only when CANCELLED.' })
  @Property({ type: 'string', length: 2000, nullable: true })
  cancelReason?: string | null;

  @Field(() => Int, { description: 'Grows by one with every change to the exchange or its parts; pass it back to `updateExchange` and `transitionExchange` to avoid overwriting a change you have not seen.' })
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'integer', nullable: true })
  createdByUserId?: number | null;

  @Field(() => Date, { description: 'When it was created.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'Last change.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Exchange', this.id);
  }
}

/** A class taking part in an exchange; school_id is the class's school (a composite foreign key keeps it so). */
@Entity({ tableName: 'exchange_class' })
export class ExchangeClass {
  @PrimaryKey({ type: 'integer' })
  exchangeId!: number;

  @PrimaryKey({ type: 'integer' })
  classId!: number;

  @Property({ type: 'integer' })
  schoolId!: number;

  @Property({ type: 'string', length: 20 })
  role!: ExchangeRole;
}

export enum TransportMode {
  TRAIN = 'TRAIN',
  BUS = 'BUS',
  CAR_SHARE = 'CAR_SHARE',
  BIKE = 'BIKE',
  FERRY = 'FERRY',
  PLANE = 'PLANE',
  CAR = 'CAR',
  OTHER = 'OTHER',
}
registerEnumType(TransportMode, {
  name: 'TransportMode',
  description: 'Main means of transport of a visit (the one used for the longest part of the journey).',
});

/** Modes that count as green travel by default (Erasmus+ Programme Guide: bus, train, car-pooling, bike). */
export const GREEN_BY_DEFAULT: readonly TransportMode[] = [TransportMode.TRAIN, TransportMode.BUS, TransportMode.CAR_SHARE, TransportMode.BIKE];
/** Modes that can never count as green travel. */
export const NEVER_GREEN: readonly TransportMode[] = [TransportMode.PLANE, TransportMode.CAR];

export enum Accommodation {
  HOST_FAMILIES = 'HOST_FAMILIES',
  HOSTEL = 'HOSTEL',
  HOTEL = 'HOTEL',
  OTHER = 'OTHER',
}
registerEnumType(Accommodation, { name: 'Accommodation', description: 'Where the guests stay during a visit.' });

/** One leg of an exchange: guest classes travel to a host school. */
@ObjectType({ implements: Node, description: 'One leg of an exchange: guest classes visit a host school.' })
@Entity({ tableName: 'visit' })
export class Visit implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Property({ type: 'integer' })
  hostSchoolId!: number;

  @Field(() => DateScalar, { description: 'First day of the visit (arrival).' })
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last day of the visit (departure); at most 60 days after the first, counting both.' })
  @Property({ type: 'date' })
  endsOn!: string;

  @Field(() => Int, { description: 'Pupils travelling (0–500).' })
  @Property({ type: 'smallint' })
  participantCount!: number;

  @Field(() => Int, { description: 'Accompanying teachers travelling (0–100).' })
  @Property({ type: 'smallint' })
  accompanyingTeacherCount!: number;

  @Field(() => TransportMode, { description: 'Main means of transport.' })
  @Property({ type: 'string', length: 20 })
  transportMode!: TransportMode;

  @Field(() => Boolean, { description: 'Green travel (Erasmus+): low-emission transport for the main part of the journey. Never true for PLANE or CAR.' })
  @Property({ type: 'boolean' })
  greenTravel!: boolean;

  @Field(() => Accommodation, { description: 'Where the guests stay.' })
  @Property({ type: 'string', length: 20 })
  accommodation!: Accommodation;

  /** Internal: exposed by VisitResolver.notes to the exchange's own people. */
  @Property({ type: 'string', length: 2000, nullable: true })
  notes?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Visit', this.id);
  }
}

/** A guest class of a visit; its dates are copied from the visit by triggers (for the overlap constraint). */
@Entity({ tableName: 'visit_guest_class' })
export class VisitGuestClass {
  @PrimaryKey({ type: 'integer' })
  visitId!: number;

  @PrimaryKey({ type: 'integer' })
  classId!: number;

  @Property({ type: 'date' })
  startsOn!: string;

  @Property({ type: 'date' })
  endsOn!: string;
}

/** A shared goal agreed from the start (key 4), with the date it will be evaluated. */
@ObjectType({ implements: Node, description: 'A shared goal of an exchange, with an indicator, a target and an agreed evaluation date (key 4).' })
@Entity({ tableName: 'goal' })
export class Goal implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Field(() => String, { description: 'The goal, up to 2000 characters.' })
  @Property({ type: 'string', length: 2000 })
  description!: string;

  @Field(() => String, { nullable: true, description: 'How progress is measured, e.g. "pupils who hold a 5-minute conversation".' })
  @Property({ type: 'string', length: 500, nullable: true })
  indicator?: string | null;

  @Field(() => String, { nullable: true, description: 'The value aimed for, e.g. "80 % of the pupils".' })
  @Property({ type: 'string', length: 500, nullable: true })
  target?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Agreed evaluation date. An exchange cannot become PLANNED without at least one goal that has one.' })
  @Property({ type: 'date', nullable: true })
  evaluationOn?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Goal', this.id);
  }
}

@ObjectType({ implements: Node, description: 'An evaluation of a goal: outcome on a 1–5 scale and notes.' })
@Entity({ tableName: 'evaluation' })
export class Evaluation implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  goalId!: number;

  @Field(() => DateScalar, { description: 'When the evaluation took place.' })
  @Property({ type: 'date' })
  evaluatedOn!: string;

  @Field(() => Int, { description: 'Outcome: 1 (goal missed) to 5 (goal fully reached).' })
  @Property({ type: 'smallint' })
  outcome!: number;

  /** Internal: exposed by EvaluationResolver.notes to the exchange's own people. */
  @Property({ type: 'string', length: 4000, nullable: true })
  notes?: string | null;

  @Property({ type: 'integer', nullable: true })
  byUserId?: number | null;

  @Field(() => Date, { description: 'When it was recorded.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('Evaluation', this.id);
  }
}

export enum ExchangeEventKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  VISIT_ADDED = 'VISIT_ADDED',
  VISIT_CHANGED = 'VISIT_CHANGED',
  VISIT_REMOVED = 'VISIT_REMOVED',
  GOAL_ADDED = 'GOAL_ADDED',
  GOAL_CHANGED = 'GOAL_CHANGED',
  EVALUATION_ADDED = 'EVALUATION_ADDED',
  PARTICIPANT_ADDED = 'PARTICIPANT_ADDED',
  PARTICIPANT_CHANGED = 'PARTICIPANT_CHANGED',
  PARTICIPANT_ERASED = 'PARTICIPANT_ERASED',
  HOST_FAMILY_ADDED = 'HOST_FAMILY_ADDED',
  HOST_FAMILY_CHANGED = 'HOST_FAMILY_CHANGED',
  BUDGET_CHANGED = 'BUDGET_CHANGED',
  FUNDING_CHANGED = 'FUNDING_CHANGED',
  CONTACTS_CHANGED = 'CONTACTS_CHANGED',
}
registerEnumType(ExchangeEventKind, { name: 'ExchangeEventKind', description: 'What kind of change a timeline entry records.' });

/** One change to an exchange (key 8): who, when, what. Written in the same transaction as the change. */
@ObjectType({ implements: Node, description: 'One change to an exchange: who made it, when, and what it was.' })
@Entity({ tableName: 'exchange_event' })
export class ExchangeEvent implements Node {
  [OptionalProps]?: 'at' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Field(() => Date, { description: 'When the change was made.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Property({ type: 'integer', nullable: true })
  actorUserId?: number | null;

  @Property({ type: 'integer', nullable: true })
  actorClientId?: number | null;

  @Field(() => ExchangeEventKind, { description: 'What kind of change.' })
  @Property({ type: 'string', length: 40 })
  kind!: ExchangeEventKind;

  @Field(() => String, { description: 'What changed, in one English sentence.' })
  @Property({ type: 'string', length: 500 })
  summary!: string;

  @Field(() => ExchangeStatus, { nullable: true, description: 'Status before, for STATUS_CHANGED.' })
  @Property({ type: 'string', length: 20, nullable: true })
  fromStatus?: ExchangeStatus | null;

  @Field(() => ExchangeStatus, { nullable: true, description: 'Status after, for STATUS_CHANGED.' })
  @Property({ type: 'string', length: 20, nullable: true })
  toStatus?: ExchangeStatus | null;

  @Property({ type: 'string', length: 100, nullable: true })
  requestId?: string | null;

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('ExchangeEvent', this.id);
  }
}
