import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SortDirection } from '../common/pagination';
import { MutationPayload } from '../common/user-error';
import { School, SchoolKind } from './school.entity';

@InputType({ description: 'Filters for schools; all given conditions must hold.' })
export class SchoolFilter {
  @Field(() => String, { nullable: true, description: 'Country of the school\'s town, ISO 3166-1 alpha-2.' })
  country?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only schools in this town (global id).' })
  townId?: string | null;

  @Field(() => [SchoolKind], { nullable: true, description: 'Only schools of these kinds.' })
  kinds?: SchoolKind[] | null;

  @Field(() => String, { nullable: true, description: 'Only schools teaching in this language (ISO 639-1).' })
  instructionLanguage?: string | null;
}

export enum SchoolOrderField {
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(SchoolOrderField, { name: 'SchoolOrderField', description: 'Fields schools can be sorted by.' });

@InputType({ description: 'Sort order for schools. Default: name A–Z.' })
export class SchoolOrder {
  @Field(() => SchoolOrderField, { description: 'Field to sort by.' })
  field!: SchoolOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction (default ASC).' })
  direction: SortDirection = SortDirection.ASC;
}

@InputType({ description: 'A new school.' })
export class CreateSchoolInput {
  @Field(() => ID, { description: 'Town the school is in (global id).' })
  townId!: string;

  @Field(() => String, { description: 'Name (1–200 characters, trimmed).' })
  name!: string;

  @Field(() => SchoolKind, { description: 'Level of the school.' })
  kind!: SchoolKind;

  @Field(() => Int, { nullable: true, description: 'Pupils in the whole school (1–20000).' })
  pupilCount?: number | null;

  @Field(() => [String], { defaultValue: [], description: 'Languages of instruction, ISO 639-1 (at most 10).' })
  instructionLanguages!: string[];

  @Field(() => String, { nullable: true, description: 'Website, an absolute http(s) URL (at most 500 characters).' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact e-mail (private: coordinators, teachers of the school and admins see it).' })
  contactEmail?: string | null;
}

@InputType({ description: 'Changes to a school; omitted fields stay as they are.' })
export class UpdateSchoolInput {
  @Field(() => ID, { description: 'The school (global id).' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–200 characters, trimmed).' })
  name?: string | null;

  @Field(() => SchoolKind, { nullable: true, description: 'New level.' })
  kind?: SchoolKind | null;

  @Field(() => Int, { nullable: true, description: 'New pupil count (1–20000).' })
  pupilCount?: number | null;

  @Field(() => [String], { nullable: true, description: 'New languages of instruction (replace the old ones).' })
  instructionLanguages?: string[] | null;

  @Field(() => String, { nullable: true, description: 'New website; an empty string removes it.' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'New contact e-mail; an empty string removes it.' })
  contactEmail?: string | null;
}

@InputType({ description: 'Deletes a school that has no classes left.' })
export class DeleteSchoolInput {
  @Field(() => ID, { description: 'The school (global id).' })
  id!: string;
}

@ObjectType({ description: 'Result of createSchool or updateSchool.' })
export class SchoolPayload extends MutationPayload {
  @Field(() => School, { nullable: true, description: 'The school as saved; null when userErrors is not empty.' })
  school?: School | null;
}

@ObjectType({ description: 'Result of deleteSchool.' })
export class DeleteSchoolPayload extends MutationPayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted school; null when userErrors is not empty.' })
  deletedSchoolId?: string | null;
}
