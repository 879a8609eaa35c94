import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

export enum ETwinningStatus {
  PLANNED = 'PLANNED',
  ACTIVE = 'ACTIVE',
  FINISHED = 'FINISHED',
}
registerEnumType(ETwinningStatus, { name: 'ETwinningStatus', description: 'Stage of an eTwinning project.' });

export enum QualityLabelKind {
  NATIONAL = 'NATIONAL',
  EUROPEAN = 'EUROPEAN',
}
registerEnumType(QualityLabelKind, {
  name: 'QualityLabelKind',
  description: 'eTwinning Quality Labels: national (awarded by a country\'s support service) or European.',
});

/** A link to a project on the eTwinning platform (public). */
@ObjectType({ implements: Node, description: 'A link to an eTwinning project (European School Education Platform). Public.' })
@Entity({ tableName: 'etwinning_project' })
export class ETwinningProject implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'status' | 'subjects' | 'languages';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { nullable: true, description: 'eTwinning project number, when known.' })
  @Property({ type: 'string', length: 40, nullable: true })
  projectNumber?: string | null;

  @Field(() => String, { description: 'Project title.' })
  @Property({ type: 'string', length: 300 })
  title!: string;

  @Field(() => String, { description: 'Project page (https URL).' })
  @Property({ type: 'string', length: 500 })
  url!: string;

  @Field(() => String, { nullable: true, description: 'What the project is about.' })
  @Property({ type: 'string', length: 4000, nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Youngest pupil age (3–25).' })
  @Property({ type: 'smallint', nullable: true })
  ageMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Oldest pupil age (3–25).' })
  @Property({ type: 'smallint', nullable: true })
  ageMax?: number | null;

  @Field(() => [String], { description: 'Subjects, lower case.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  subjects: string[] = [];

  @Field(() => [String], { description: 'Working languages, ISO 639-1.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  languages: string[] = [];

  @Field(() => ETwinningStatus, { description: 'Stage of the project.' })
  @Property({ type: 'string', length: 20 })
  status: ETwinningStatus = ETwinningStatus.ACTIVE;

  @Property({ type: 'integer', nullable: true })
  createdByUserId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('ETwinningProject', this.id);
  }
}

@ObjectType({ description: 'An eTwinning Quality Label awarded to a project.' })
@Entity({ tableName: 'etwinning_quality_label' })
export class ETwinningQualityLabel {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  projectId!: number;

  @Field(() => QualityLabelKind, { description: 'National or European.' })
  @Property({ type: 'string', length: 20 })
  kind!: QualityLabelKind;

  @Field(() => Int, { description: 'Year awarded.' })
  @Property({ type: 'smallint' })
  year!: number;

  @Field(() => String, { nullable: true, description: 'Awarding country for a national label (ISO 3166-1 alpha-2); null for European.' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)', nullable: true })
  country?: string | null;
}

@Entity({ tableName: 'etwinning_participant' })
export class ETwinningParticipant {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  projectId!: number;

  @Property({ type: 'integer' })
  schoolId!: number;

  @Property({ type: 'integer', nullable: true })
  classId?: number | null;
}
