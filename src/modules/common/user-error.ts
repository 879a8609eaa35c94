import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Codes of business-rule failures returned in `userErrors`. */
export enum UserErrorCode {
  REQUIRED = 'REQUIRED',
  TOO_LONG = 'TOO_LONG',
  TOO_MANY = 'TOO_MANY',
  INVALID_ID = 'INVALID_ID',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_COUNTRY = 'INVALID_COUNTRY',
  INVALID_LANGUAGE = 'INVALID_LANGUAGE',
  INVALID_CEFR_LEVEL = 'INVALID_CEFR_LEVEL',
  INVALID_AGE_RANGE = 'INVALID_AGE_RANGE',
  INVALID_PUPIL_COUNT = 'INVALID_PUPIL_COUNT',
  INVALID_DATE_RANGE = 'INVALID_DATE_RANGE',
  INVALID_YEAR = 'INVALID_YEAR',
  INVALID_URL = 'INVALID_URL',
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_VALUE = 'INVALID_VALUE',
  DUPLICATE = 'DUPLICATE',
  SAME_TOWN = 'SAME_TOWN',
  ALREADY_ENDED = 'ALREADY_ENDED',
  HAS_DEPENDENTS = 'HAS_DEPENDENTS',
  SAME_CLASS = 'SAME_CLASS',
  SAME_SCHOOL = 'SAME_SCHOOL',
  PARTNER_NOT_AVAILABLE = 'PARTNER_NOT_AVAILABLE',
  MODE_NOT_ACCEPTED = 'MODE_NOT_ACCEPTED',
  CLASS_A_DOES_NOT_OFFER = 'CLASS_A_DOES_NOT_OFFER',
  CLASS_B_DOES_NOT_LEARN = 'CLASS_B_DOES_NOT_LEARN',
  CLASS_B_DOES_NOT_OFFER = 'CLASS_B_DOES_NOT_OFFER',
  CLASS_A_DOES_NOT_LEARN = 'CLASS_A_DOES_NOT_LEARN',
  ONE_WAY_NOT_ALLOWED = 'ONE_WAY_NOT_ALLOWED',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  INVALID_PROJECT_NUMBER = 'INVALID_PROJECT_NUMBER',
  CONFLICT = 'CONFLICT',
  EXCHANGE_CLOSED = 'EXCHANGE_CLOSED',
  NOT_IN_EXCHANGE = 'NOT_IN_EXCHANGE',
  NOT_ENOUGH_CLASSES = 'NOT_ENOUGH_CLASSES',
  ONE_INITIATOR = 'ONE_INITIATOR',
  VISIT_TOO_LONG = 'VISIT_TOO_LONG',
  VISIT_OVERLAP = 'VISIT_OVERLAP',
  GUEST_IS_HOST = 'GUEST_IS_HOST',
  CAPACITY_EXCEEDED = 'CAPACITY_EXCEEDED',
  NO_VISIT = 'NO_VISIT',
  NO_GOAL_WITH_EVALUATION_DATE = 'NO_GOAL_WITH_EVALUATION_DATE',
  NOT_STARTED = 'NOT_STARTED',
  VISITS_NOT_OVER = 'VISITS_NOT_OVER',
  MISSING_PARENTAL_CONSENT = 'MISSING_PARENTAL_CONSENT',
  GOALS_NOT_EVALUATED = 'GOALS_NOT_EVALUATED',
  REASON_REQUIRED = 'REASON_REQUIRED',
  PARTNER_MUST_AGREE = 'PARTNER_MUST_AGREE',
  INITIATOR_MUST_PROPOSE = 'INITIATOR_MUST_PROPOSE',
  VISIT_STARTED = 'VISIT_STARTED',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  INVALID_CURRENCY = 'INVALID_CURRENCY',
  ALREADY_ERASED = 'ALREADY_ERASED',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input.',
  valuesConfig: {
    REQUIRED: { description: 'A required value is missing or blank.' },
    TOO_LONG: { description: 'A text is longer than allowed.' },
    TOO_MANY: { description: 'A list has more items than allowed.' },
    INVALID_ID: { description: 'A global id is malformed or of the wrong type.' },
    NOT_FOUND: { description: 'No object has this id.' },
    INVALID_COUNTRY: { description: 'Not an ISO 3166-1 alpha-2 country code.' },
    INVALID_LANGUAGE: { description: 'Not an ISO 639-1 language code.' },
    INVALID_CEFR_LEVEL: { description: 'A learned language needs a CEFR level; a language of instruction has none.' },
    INVALID_AGE_RANGE: { description: 'Ages must be 3–25 with ageMin ≤ ageMax.' },
    INVALID_PUPIL_COUNT: { description: 'Pupil counts must be whole numbers above zero (and within the stated maximum).' },
    INVALID_DATE_RANGE: { description: 'Dates are out of order or out of range.' },
    INVALID_YEAR: { description: 'A year is out of range.' },
    INVALID_URL: { description: 'Not an absolute http(s) URL.' },
    INVALID_EMAIL: { description: 'Not an e-mail address.' },
    INVALID_VALUE: { description: 'A value is out of its allowed range.' },
    DUPLICATE: { description: 'The same thing already exists.' },
    SAME_TOWN: { description: 'A town cannot be twinned with itself.' },
    ALREADY_ENDED: { description: 'The link has already ended.' },
    HAS_DEPENDENTS: { description: 'Other records still depend on this one; remove them first.' },
    SAME_CLASS: { description: 'A class cannot be paired with itself.' },
    SAME_SCHOOL: { description: 'Pairings are between classes of different schools.' },
    PARTNER_NOT_AVAILABLE: { description: 'The partner class is not looking for partners (or its listing expired).' },
    MODE_NOT_ACCEPTED: { description: 'One of the classes is not open to this pairing mode.' },
    CLASS_A_DOES_NOT_OFFER: { description: 'Reciprocity: the proposing class (A) is not taught in languageA.' },
    CLASS_B_DOES_NOT_LEARN: { description: 'Reciprocity: the partner class (B) does not learn languageA.' },
    CLASS_B_DOES_NOT_OFFER: { description: 'Reciprocity: the partner class (B) is not taught in languageB.' },
    CLASS_A_DOES_NOT_LEARN: { description: 'Reciprocity: the proposing class (A) does not learn languageB.' },
    ONE_WAY_NOT_ALLOWED: { description: 'No languageB: a one-way pairing needs allowOneWay.' },
    INVALID_TRANSITION: { description: 'The object is not in a state that allows this change.' },
    INVALID_PROJECT_NUMBER: { description: 'An eTwinning project number is digits only.' },
    CONFLICT: { description: 'Someone changed the exchange since you read it (its `version` moved on); read it again and retry. Nothing was changed.' },
    EXCHANGE_CLOSED: { description: 'The exchange is COMPLETED or CANCELLED; nothing about it can change any more.' },
    NOT_IN_EXCHANGE: { description: 'A class, school, goal or host family named in the input does not belong to this exchange.' },
    NOT_ENOUGH_CLASSES: { description: 'An exchange needs at least two classes of different schools.' },
    ONE_INITIATOR: { description: 'An exchange has exactly one INITIATOR class.' },
    VISIT_TOO_LONG: { description: 'A visit lasts at most 60 days, counting the first and the last.' },
    VISIT_OVERLAP: { description: 'A guest class already has another visit on some of these dates.' },
    GUEST_IS_HOST: { description: 'A guest class cannot visit its own school.' },
    CAPACITY_EXCEEDED: { description: 'The host family already hosts as many pupils as its capacity.' },
    NO_VISIT: { description: 'PLANNED needs at least one visit with dates.' },
    NO_GOAL_WITH_EVALUATION_DATE: { description: 'PLANNED needs at least one goal with an evaluation date (key 4: agree goals and evaluation dates from the start).' },
    NOT_STARTED: { description: 'ONGOING only from the first visit\'s start date (UTC).' },
    VISITS_NOT_OVER: { description: 'EVALUATING only after the last visit\'s end date (UTC).' },
    MISSING_PARENTAL_CONSENT: { description: 'Every participant needs parental consent before the exchange can become ONGOING.' },
    GOALS_NOT_EVALUATED: { description: 'COMPLETED needs at least one evaluation of every goal.' },
    REASON_REQUIRED: { description: 'Cancelling needs a reason.' },
    INITIATOR_MUST_PROPOSE: { description: 'PROPOSED is set by a coordinator of the initiating school (or an admin).' },
    VISIT_STARTED: { description: 'The visit has started (or the exchange is being evaluated): its start, or any date once evaluating, stays as it was.' },
    PARTNER_MUST_AGREE: { description: 'AGREED is set by a coordinator of a partner school (or an admin), not by the initiator alone.' },
    INVALID_AMOUNT: { description: 'Amounts are whole numbers of minor units (cents), from 0 to 2,000,000,000.' },
    INVALID_CURRENCY: { description: 'Not an ISO 4217 currency code (e.g. "EUR").' },
    ALREADY_ERASED: { description: 'This person\'s data has already been erased.' },
  },
});

@ObjectType({ description: 'A problem with the input of a mutation; nothing was changed.' })
export class UserError {
  @Field(() => [String], { description: 'Path to the offending input field, e.g. ["input", "languages", "0", "level"].' })
  field!: string[];

  @Field(() => String, { description: 'Human-readable explanation, in English.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'Stable machine-readable code.' })
  code!: UserErrorCode;
}

/** Base of every mutation payload. */
@ObjectType({ description: 'Fields common to every mutation payload.' })
export class MutationPayload {
  @Field(() => [UserError], { description: 'Problems with the input. Empty on success; when not empty nothing was changed.' })
  userErrors: UserError[] = [];
}

/** What a service returns to a mutation resolver: a value, or the reasons there is none. */
export type Result<T> = { value: T | null; userErrors: UserError[] };
