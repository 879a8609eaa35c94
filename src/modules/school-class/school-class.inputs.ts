import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SortDirection } from '../common/pagination';
import { DateScalar } from '../common/scalars';
import { MutationPayload } from '../common/user-error';
import { CefrLevel, LanguageRole, PairingMode, SchoolClass, Theme } from './school-class.entity';

@InputType({ description: 'Filters for classes; all given conditions must hold.' })
export class SchoolClassFilter {
  @Field(() => String, { nullable: true, description: 'Country of the class\'s town, ISO 3166-1 alpha-2.' })
  country?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only classes in this town (global id).' })
  townId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only classes of this school (global id).' })
  schoolId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only classes taught in this language (offered to partners), ISO 639-1.' })
  offersLanguage?: string | null;

  @Field(() => String, { nullable: true, description: 'Only classes learning this language, ISO 639-1.' })
  learnsLanguage?: string | null;

  @Field(() => [CefrLevel], {
    nullable: true,
    description: 'Only classes learning a language at one of these CEFR levels (the language given in learnsLanguage, or any).',
  })
  levels?: CefrLevel[] | null;

  @Field(() => Int, { nullable: true, description: 'Only classes whose age range includes this pupil age (years).' })
  pupilAge?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only classes looking for partners with a listing that has not expired; false: only the others.',
  })
  lookingForPartners?: boolean | null;

  @Field(() => [Theme], { nullable: true, description: 'Only classes interested in at least one of these themes.' })
  themes?: Theme[] | null;
}

export enum SchoolClassOrderField {
  CREATED_AT = 'CREATED_AT',
  LABEL = 'LABEL',
  PUPIL_COUNT = 'PUPIL_COUNT',
}
registerEnumType(SchoolClassOrderField, { name: 'SchoolClassOrderField', description: 'Fields classes can be sorted by.' });

@InputType({ description: 'Sort order for classes. Default: newest first.' })
export class SchoolClassOrder {
  @Field(() => SchoolClassOrderField, { description: 'Field to sort by.' })
  field!: SchoolClassOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction (default ASC).' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'A language of a class.' })
export class ClassLanguageInput {
  @Field(() => String, { description: 'ISO 639-1 code, e.g. "de".' })
  language!: string;

  @Field(() => LanguageRole, { description: 'INSTRUCTION (taught in it) or LEARNING.' })
  role!: LanguageRole;

  @Field(() => CefrLevel, { nullable: true, description: 'Required for LEARNING, must be null for INSTRUCTION.' })
  level?: CefrLevel | null;
}

@InputType({ description: 'A period when the class is available (both days included).' })
export class AvailabilityInput {
  @Field(() => DateScalar, { description: 'First day.' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last day, on or after startsOn, at most 366 days later.' })
  endsOn!: string;
}

@InputType({ description: 'A new class in a school.' })
export class CreateSchoolClassInput {
  @Field(() => ID, { description: 'The school (global id).' })
  schoolId!: string;

  @Field(() => String, { description: 'Label within the school, e.g. "7B" (1–100 characters).' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'Grade or year, e.g. "Year 8" (at most 30 characters).' })
  grade?: string | null;

  @Field(() => Int, { description: 'Youngest pupil age (3–25).' })
  ageMin!: number;

  @Field(() => Int, { description: 'Oldest pupil age (3–25, at least ageMin).' })
  ageMax!: number;

  @Field(() => Int, { description: 'Number of pupils (1–500).' })
  pupilCount!: number;

  @Field(() => [ClassLanguageInput], { description: 'Languages taught in and learned (1–20, each language once per role).' })
  languages!: ClassLanguageInput[];

  @Field(() => [String], { defaultValue: [], description: 'Subjects, e.g. ["history", "biology"] (at most 20, each at most 50 characters).' })
  subjects!: string[];

  @Field(() => [Theme], { defaultValue: [], description: 'Themes of interest.' })
  themes!: Theme[];

  @Field(() => String, { nullable: true, description: 'Free text (at most 2000 characters).' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Notes for the class\'s own teachers and coordinators (private, at most 2000 characters).' })
  internalNotes?: string | null;

  @Field(() => [AvailabilityInput], { defaultValue: [], description: 'Periods open for an exchange (at most 20).' })
  availability!: AvailabilityInput[];

  @Field(() => [PairingMode], { nullable: true, description: 'Ways of working the class is open to (default: all).' })
  pairingModes?: PairingMode[] | null;

  @Field(() => Boolean, { defaultValue: true, description: 'Whether the class looks for partners (default true).' })
  lookingForPartners: boolean = true;

  @Field(() => Date, { nullable: true, description: 'When the listing expires; must be in the future. Null: never.' })
  listingExpiresAt?: Date | null;
}

@InputType({ description: 'Changes to a class; omitted fields stay as they are, given lists replace the old ones.' })
export class UpdateSchoolClassInput {
  @Field(() => ID, { description: 'The class (global id).' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New label (1–100 characters).' })
  label?: string | null;

  @Field(() => String, { nullable: true, description: 'New grade; an empty string removes it.' })
  grade?: string | null;

  @Field(() => Int, { nullable: true, description: 'New youngest age (3–25).' })
  ageMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'New oldest age (3–25).' })
  ageMax?: number | null;

  @Field(() => Int, { nullable: true, description: 'New number of pupils (1–500).' })
  pupilCount?: number | null;

  @Field(() => [ClassLanguageInput], { nullable: true, description: 'New languages (replace all).' })
  languages?: ClassLanguageInput[] | null;

  @Field(() => [String], { nullable: true, description: 'New subjects (replace all).' })
  subjects?: string[] | null;

  @Field(() => [Theme], { nullable: true, description: 'New themes (replace all).' })
  themes?: Theme[] | null;

  @Field(() => String, { nullable: true, description: 'New description; an empty string removes it.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New internal notes; an empty string removes them.' })
  internalNotes?: string | null;

  @Field(() => [AvailabilityInput], { nullable: true, description: 'New availability periods (replace all).' })
  availability?: AvailabilityInput[] | null;

  @Field(() => [PairingMode], { nullable: true, description: 'New ways of working (replace all; at least one).' })
  pairingModes?: PairingMode[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the class looks for partners.' })
  lookingForPartners?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'New listing expiry; must be in the future.' })
  listingExpiresAt?: Date | null;
}

@InputType({ description: 'Deletes a class with its languages and availability.' })
export class DeleteSchoolClassInput {
  @Field(() => ID, { description: 'The class (global id).' })
  id!: string;
}

@ObjectType({ description: 'Result of createSchoolClass or updateSchoolClass.' })
export class SchoolClassPayload extends MutationPayload {
  @Field(() => SchoolClass, { nullable: true, description: 'The class as saved; null when userErrors is not empty.' })
  schoolClass?: SchoolClass | null;
}

@ObjectType({ description: 'Result of deleteSchoolClass.' })
export class DeleteSchoolClassPayload extends MutationPayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted class; null when userErrors is not empty.' })
  deletedSchoolClassId?: string | null;
}
