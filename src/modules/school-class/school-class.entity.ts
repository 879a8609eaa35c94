import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';
import { DateScalar } from '../common/scalars';

export enum LanguageRole {
  INSTRUCTION = 'INSTRUCTION',
  LEARNING = 'LEARNING',
}
registerEnumType(LanguageRole, {
  name: 'LanguageRole',
  description: 'What a language is to a class.',
  valuesConfig: {
    INSTRUCTION: { description: 'The class is taught in it (it can offer it to a partner).' },
    LEARNING: { description: 'The class learns it, at a CEFR level.' },
  },
});

export enum CefrLevel {
  A1 = 'A1',
  A2 = 'A2',
  B1 = 'B1',
  B2 = 'B2',
  C1 = 'C1',
  C2 = 'C2',
}
registerEnumType(CefrLevel, {
  name: 'CefrLevel',
  description: 'Common European Framework of Reference level, A1 (beginner) to C2 (mastery).',
});

export const CEFR_ORDER: readonly CefrLevel[] = [CefrLevel.A1, CefrLevel.A2, CefrLevel.B1, CefrLevel.B2, CefrLevel.C1, CefrLevel.C2];

/** The theme vocabulary of the twinning guide (key 7), shared by classes, exchanges and projects. */
export enum Theme {
  ENVIRONMENT = 'ENVIRONMENT',
  FUTURE_OF_EUROPE = 'FUTURE_OF_EUROPE',
  HUMAN_RIGHTS = 'HUMAN_RIGHTS',
  PEACE = 'PEACE',
  SOCIAL_INCLUSION = 'SOCIAL_INCLUSION',
  SPORT = 'SPORT',
  CULTURE = 'CULTURE',
  LANGUAGE_LEARNING = 'LANGUAGE_LEARNING',
  DIGITAL = 'DIGITAL',
  OTHER = 'OTHER',
}
registerEnumType(Theme, { name: 'Theme', description: 'Topical themes from the town-twinning guide (key 7).' });

/** How two paired classes work together. */
export enum PairingMode {
  TANDEM_VISIT = 'TANDEM_VISIT',
  PEN_PALS = 'PEN_PALS',
  VIDEO = 'VIDEO',
  ETWINNING = 'ETWINNING',
}
registerEnumType(PairingMode, {
  name: 'PairingMode',
  description: 'How two paired classes work together.',
  valuesConfig: {
    TANDEM_VISIT: { description: 'Visits both ways, each class hosting the other (a language tandem).' },
    PEN_PALS: { description: 'Letters or messages between pupils.' },
    VIDEO: { description: 'Video calls between the classes.' },
    ETWINNING: { description: 'A joint project on the eTwinning platform.' },
  },
});

/** A teaching group in a school. */
@ObjectType({ implements: Node, description: 'A class (teaching group) in a school that may look for partner classes.' })
@Entity({ tableName: 'school_class' })
export class SchoolClass implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'subjects' | 'themes' | 'lookingForPartners' | 'pairingModes';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  schoolId!: number;

  @Field(() => String, { description: 'Label of the class within its school, e.g. "7B" (1–100 characters).' })
  @Property({ type: 'string', length: 100 })
  label!: string;

  @Field(() => String, { nullable: true, description: 'Grade or year as the school names it, e.g. "Year 8".' })
  @Property({ type: 'string', length: 30, nullable: true })
  grade?: string | null;

  @Field(() => Int, { description: 'Youngest pupil age in years (3–25).' })
  @Property({ type: 'smallint' })
  ageMin!: number;

  @Field(() => Int, { description: 'Oldest pupil age in years (3–25, at least ageMin).' })
  @Property({ type: 'smallint' })
  ageMax!: number;

  @Field(() => Int, { description: 'Number of pupils (1–500).' })
  @Property({ type: 'integer' })
  pupilCount!: number;

  @Field(() => [String], { description: 'Subjects the class would work on with a partner, lower case (e.g. "history").' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  subjects: string[] = [];

  @Field(() => [Theme], { description: 'Themes the class is interested in.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  themes: Theme[] = [];

  @Field(() => String, { nullable: true, description: 'Free text about the class (up to 2000 characters).' })
  @Property({ type: 'string', length: 2000, nullable: true })
  description?: string | null;

  /** Private: exposed only through the guarded SchoolClass.internalNotes resolver. */
  @Property({ type: 'string', length: 2000, nullable: true })
  internalNotes?: string | null;

  @Field(() => [PairingMode], { description: 'Ways of working the class is open to (default: all).' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  pairingModes: PairingMode[] = [PairingMode.TANDEM_VISIT, PairingMode.PEN_PALS, PairingMode.VIDEO, PairingMode.ETWINNING];

  @Field(() => Boolean, { description: 'Whether the class is currently looking for partner classes.' })
  @Property({ type: 'boolean' })
  lookingForPartners: boolean = true;

  @Field(() => Date, { nullable: true, description: 'When the partner-search listing expires (ISO 8601 date-time). Null: no expiry.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  listingExpiresAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('SchoolClass', this.id);
  }
}

/** A language a class offers (instruction) or learns (with a CEFR level). */
@ObjectType({ description: 'A language of a class: one it is taught in, or one it learns at a CEFR level.' })
@Entity({ tableName: 'class_language' })
export class ClassLanguage {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  classId!: number;

  @Field(() => String, { description: 'Language, ISO 639-1 code (e.g. "fr").' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)' })
  language!: string;

  @Field(() => LanguageRole, { description: 'Taught in (INSTRUCTION) or learned (LEARNING).' })
  @Property({ type: 'string', length: 20 })
  role!: LanguageRole;

  @Field(() => CefrLevel, { nullable: true, description: 'CEFR level for a learned language; null for instruction.' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)', nullable: true })
  level?: CefrLevel | null;
}

/** Dates a class is open for an exchange. */
@ObjectType({ description: 'A period when a class is available for an exchange or visit (both dates included).' })
@Entity({ tableName: 'availability_window' })
export class AvailabilityWindow {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  classId!: number;

  @Field(() => DateScalar, { description: 'First day available.' })
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last day available (on or after startsOn).' })
  @Property({ type: 'date' })
  endsOn!: string;
}
