import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars';
import { MutationPayload } from '../common/user-error';
import { Theme } from '../school-class/school-class.entity';
import { Accommodation, Evaluation, Exchange, ExchangeRole, ExchangeStatus, Goal, TransportMode, Visit } from './exchange.entity';

@InputType({ description: 'Filters for exchanges. All given conditions must hold.' })
export class ExchangeFilter {
  @Field(() => [ExchangeStatus], { nullable: true, description: 'Only exchanges in these statuses.' })
  statuses?: ExchangeStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'Only exchanges with a class of a school in this town.' })
  townId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only exchanges with a class of this school.' })
  schoolId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only exchanges of this class.' })
  classId?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'Only exchanges with at least one of these themes.' })
  themes?: Theme[] | null;

  @Field(() => [String], { nullable: true, description: 'Only exchanges with a class of a school in one of these countries (ISO 3166-1 alpha-2).' })
  countries?: string[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only exchanges with a visit ending on or after this date.' })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only exchanges with a visit starting on or before this date.' })
  to?: string | null;
}

@InputType({ description: 'A class taking part in a new exchange.' })
export class ExchangeClassInput {
  @Field(() => ID, { description: 'The class.' })
  classId!: string;

  @Field(() => ExchangeRole, { description: 'INITIATOR for exactly one class (whose school you coordinate), PARTNER for the others.' })
  role!: ExchangeRole;
}

@InputType({ description: 'A new exchange, created as DRAFT.' })
export class CreateExchangeInput {
  @Field(() => String, { description: 'Title, up to 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'What it is about, up to 4000 characters.' })
  description?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'Topical themes.' })
  themes?: Theme[] | null;

  @Field(() => String, { nullable: true, description: 'The European-dimension statement, up to 4000 characters.' })
  europeanDimension?: string | null;

  @Field(() => [ExchangeClassInput], { description: 'Two to 20 classes of at least two schools; exactly one INITIATOR.' })
  classes!: ExchangeClassInput[];

  @Field(() => ID, { nullable: true, description: 'An eTwinning project the exchange belongs to.' })
  eTwinningProjectId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The earlier exchange this one follows up (key 9).' })
  followsUpExchangeId?: string | null;
}

@InputType({ description: 'Changes to an exchange\'s description. Omitted fields stay as they are; null clears an optional one.' })
export class UpdateExchangeInput {
  @Field(() => ID, { description: 'The exchange.' })
  id!: string;

  @Field(() => Int, { description: 'The version you last read; a stale one is a CONFLICT and changes nothing.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'New title.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; null clears it.' })
  description?: string | null;

  @Field(() => [Theme], { nullable: true, description: 'New themes (replacing the old ones).' })
  themes?: Theme[] | null;

  @Field(() => String, { nullable: true, description: 'New European-dimension statement; null clears it.' })
  europeanDimension?: string | null;

  @Field(() => ID, { nullable: true, description: 'eTwinning project; null detaches it.' })
  eTwinningProjectId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The exchange this one follows up; null clears it.' })
  followsUpExchangeId?: string | null;
}

@InputType({ description: 'Moves an exchange to another status, if its guards allow.' })
export class TransitionExchangeInput {
  @Field(() => ID, { description: 'The exchange.' })
  id!: string;

  @Field(() => ExchangeStatus, { description: 'The new status.' })
  to!: ExchangeStatus;

  @Field(() => Int, { description: 'The version you last read; a stale one is a CONFLICT and changes nothing.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Why; required for CANCELLED (up to 2000 characters), recorded in the timeline.' })
  reason?: string | null;
}

@InputType({ description: 'A new visit of an exchange.' })
export class AddVisitInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => ID, { description: 'The host school: the school of one of the exchange\'s classes.' })
  hostSchoolId!: string;

  @Field(() => [ID], { description: 'The guest classes (1–20): classes of the exchange from other schools than the host.' })
  guestClassIds!: string[];

  @Field(() => DateScalar, { description: 'Arrival day.' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Departure day: on or after startsOn, at most 60 days counting both.' })
  endsOn!: string;

  @Field(() => Int, { description: 'Pupils travelling (0–500).' })
  participantCount!: number;

  @Field(() => Int, { description: 'Accompanying teachers travelling (0–100).' })
  accompanyingTeacherCount!: number;

  @Field(() => TransportMode, { description: 'Main means of transport.' })
  transportMode!: TransportMode;

  @Field(() => Boolean, { nullable: true, description: 'Green travel; default true for TRAIN, BUS, CAR_SHARE and BIKE. Never true for PLANE or CAR.' })
  greenTravel?: boolean | null;

  @Field(() => Accommodation, { description: 'Where the guests stay.' })
  accommodation!: Accommodation;

  @Field(() => String, { nullable: true, description: 'Practical notes, up to 2000 characters.' })
  notes?: string | null;
}

@InputType({ description: 'Changes to a visit. Omitted fields stay as they are.' })
export class UpdateVisitInput {
  @Field(() => ID, { description: 'The visit.' })
  id!: string;

  @Field(() => DateScalar, { nullable: true, description: 'New arrival day.' })
  startsOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'New departure day.' })
  endsOn?: string | null;

  @Field(() => Int, { nullable: true, description: 'Pupils travelling (0–500).' })
  participantCount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Accompanying teachers travelling (0–100).' })
  accompanyingTeacherCount?: number | null;

  @Field(() => TransportMode, { nullable: true, description: 'Main means of transport.' })
  transportMode?: TransportMode | null;

  @Field(() => Boolean, { nullable: true, description: 'Green travel; never true for PLANE or CAR.' })
  greenTravel?: boolean | null;

  @Field(() => Accommodation, { nullable: true, description: 'Where the guests stay.' })
  accommodation?: Accommodation | null;

  @Field(() => String, { nullable: true, description: 'Practical notes; null clears them.' })
  notes?: string | null;
}

@InputType({ description: 'Names one object to remove.' })
export class RemoveInput {
  @Field(() => ID, { description: 'The object to remove.' })
  id!: string;
}

@InputType({ description: 'A new shared goal.' })
export class AddGoalInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => String, { description: 'The goal, up to 2000 characters.' })
  description!: string;

  @Field(() => String, { nullable: true, description: 'How progress is measured, up to 500 characters.' })
  indicator?: string | null;

  @Field(() => String, { nullable: true, description: 'The value aimed for, up to 500 characters.' })
  target?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Agreed evaluation date.' })
  evaluationOn?: string | null;
}

@InputType({ description: 'Changes to a goal. Omitted fields stay as they are; null clears an optional one.' })
export class UpdateGoalInput {
  @Field(() => ID, { description: 'The goal.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New text.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New indicator; null clears it.' })
  indicator?: string | null;

  @Field(() => String, { nullable: true, description: 'New target; null clears it.' })
  target?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'New evaluation date; null clears it.' })
  evaluationOn?: string | null;
}

@InputType({ description: 'An evaluation of a goal.' })
export class AddEvaluationInput {
  @Field(() => ID, { description: 'The goal.' })
  goalId!: string;

  @Field(() => DateScalar, { description: 'When it was evaluated (not in the future).' })
  evaluatedOn!: string;

  @Field(() => Int, { description: 'Outcome from 1 (missed) to 5 (fully reached).' })
  outcome!: number;

  @Field(() => String, { nullable: true, description: 'Notes, up to 4000 characters.' })
  notes?: string | null;
}

@ObjectType({ description: 'Result of an exchange mutation.' })
export class ExchangePayload extends MutationPayload {
  @Field(() => Exchange, { nullable: true, description: 'The exchange as it is now; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}

@ObjectType({ description: 'Result of a visit mutation.' })
export class VisitPayload extends MutationPayload {
  @Field(() => Visit, { nullable: true, description: 'The visit; null when userErrors is not empty or it was removed.' })
  visit?: Visit | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}

@ObjectType({ description: 'Result of a goal mutation.' })
export class GoalPayload extends MutationPayload {
  @Field(() => Goal, { nullable: true, description: 'The goal; null when userErrors is not empty.' })
  goal?: Goal | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}

@ObjectType({ description: 'Result of addEvaluation.' })
export class EvaluationPayload extends MutationPayload {
  @Field(() => Evaluation, { nullable: true, description: 'The evaluation; null when userErrors is not empty.' })
  evaluation?: Evaluation | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}
