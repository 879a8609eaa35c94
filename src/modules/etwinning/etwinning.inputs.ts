import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MutationPayload } from '../common/user-error';
import { ETwinningProject, ETwinningStatus, QualityLabelKind } from './etwinning.entity';

@InputType({ description: 'Filters for eTwinning projects; all given conditions must hold.' })
export class ETwinningProjectFilter {
  @Field(() => String, { nullable: true, description: 'Only projects working in this language (ISO 639-1).' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'Only projects with this subject (lower case).' })
  subject?: string | null;

  @Field(() => [ETwinningStatus], { nullable: true, description: 'Only projects in these stages.' })
  statuses?: ETwinningStatus[] | null;

  @Field(() => Int, { nullable: true, description: 'Only projects whose age range includes this pupil age.' })
  pupilAge?: number | null;

  @Field(() => String, { nullable: true, description: 'Only projects with a participating school in this country (ISO 3166-1 alpha-2).' })
  country?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only projects this school takes part in.' })
  schoolId?: string | null;

  @Field(() => QualityLabelKind, { nullable: true, description: 'Only projects holding a quality label of this kind.' })
  qualityLabel?: QualityLabelKind | null;
}

@InputType({ description: 'A quality label of a project.' })
export class QualityLabelInput {
  @Field(() => QualityLabelKind, { description: 'National or European.' })
  kind!: QualityLabelKind;

  @Field(() => Int, { description: 'Year awarded (2005 to this year).' })
  year!: number;

  @Field(() => String, { nullable: true, description: 'Country for a NATIONAL label (ISO 3166-1 alpha-2); none for EUROPEAN.' })
  country?: string | null;
}

@InputType({ description: 'A school (and optionally one of its classes) taking part in a project.' })
export class ETwinningParticipantInput {
  @Field(() => ID, { description: 'The school.' })
  schoolId!: string;

  @Field(() => ID, { nullable: true, description: 'One of its classes.' })
  classId?: string | null;
}

@InputType({ description: 'A link to an eTwinning project. You must coordinate or teach at one of the participants.' })
export class CreateETwinningProjectInput {
  @Field(() => String, { nullable: true, description: 'eTwinning project number (digits, at most 40 characters).' })
  projectNumber?: string | null;

  @Field(() => String, { description: 'Title (1–300 characters).' })
  title!: string;

  @Field(() => String, { description: 'Project page: an https URL (at most 500 characters).' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'Description (at most 4000 characters).' })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Youngest pupil age (3–25).' })
  ageMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Oldest pupil age (3–25).' })
  ageMax?: number | null;

  @Field(() => [String], { defaultValue: [], description: 'Subjects (at most 20).' })
  subjects!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Working languages, ISO 639-1 (at most 10).' })
  languages!: string[];

  @Field(() => ETwinningStatus, { defaultValue: ETwinningStatus.ACTIVE, description: 'Stage (default ACTIVE).' })
  status: ETwinningStatus = ETwinningStatus.ACTIVE;

  @Field(() => [QualityLabelInput], { defaultValue: [], description: 'Quality labels awarded.' })
  qualityLabels!: QualityLabelInput[];

  @Field(() => [ETwinningParticipantInput], { description: 'Participating schools and classes (1–50).' })
  participants!: ETwinningParticipantInput[];
}

@ObjectType({ description: 'Result of createETwinningProject.' })
export class ETwinningProjectPayload extends MutationPayload {
  @Field(() => ETwinningProject, { nullable: true, description: 'The project; null when userErrors is not empty.' })
  project?: ETwinningProject | null;
}
