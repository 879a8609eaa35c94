import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';
import { PairingMode } from '../school-class/school-class.entity';

export enum PairingStatus {
  PROPOSED = 'PROPOSED',
  ACCEPTED = 'ACCEPTED',
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
  DECLINED = 'DECLINED',
}
registerEnumType(PairingStatus, {
  name: 'PairingStatus',
  description: 'Where a pairing stands: PROPOSED → ACCEPTED → ACTIVE → ENDED, or PROPOSED → DECLINED.',
  valuesConfig: {
    PROPOSED: { description: 'Class A proposed; class B has not answered.' },
    ACCEPTED: { description: 'Class B accepted; work has not started.' },
    ACTIVE: { description: 'The classes are working together.' },
    ENDED: { description: 'Finished (or withdrawn after acceptance).' },
    DECLINED: { description: 'Class B declined (or class A withdrew the proposal).' },
  },
});

/** The statuses in which a pairing is open: at most one such per classes and languages. */
export const OPEN_PAIRING_STATUSES = [PairingStatus.PROPOSED, PairingStatus.ACCEPTED, PairingStatus.ACTIVE] as const;

/**
 * Two classes paired across languages. Class A proposed it; languageA is
 * offered by A and learned by B, languageB offered by B and learned by A
 * (null for a one-way pairing, which is then marked unbalanced).
 */
@ObjectType({ implements: Node, description: 'Two classes paired across languages, typically a reciprocal tandem.' })
@Entity({ tableName: 'language_pairing' })
export class LanguagePairing implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'status';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer', fieldName: 'class_a_id' })
  classAId!: number;

  @Property({ type: 'integer', fieldName: 'class_b_id' })
  classBId!: number;

  @Field(() => String, { description: 'Language class A offers (teaches in) and class B learns, ISO 639-1.' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)', fieldName: 'language_a' })
  languageA!: string;

  @Field(() => String, { nullable: true, description: 'Language class B offers and class A learns; null for a one-way pairing.' })
  @Property({ type: 'string', length: 2, columnType: 'char(2)', nullable: true, fieldName: 'language_b' })
  languageB?: string | null;

  @Field(() => PairingMode, { description: 'How the classes work together.' })
  @Property({ type: 'string', length: 20 })
  mode!: PairingMode;

  @Field(() => PairingStatus, { description: 'Where the pairing stands.' })
  @Property({ type: 'string', length: 20 })
  status: PairingStatus = PairingStatus.PROPOSED;

  @Field(() => Boolean, { description: 'True for a one-way pairing (only class B learns from class A).' })
  @Property({ type: 'boolean' })
  unbalanced!: boolean;

  /** Private to both classes: guarded field resolver. */
  @Property({ type: 'string', length: 2000, nullable: true })
  message?: string | null;

  @Property({ type: 'string', length: 2000, nullable: true })
  responseMessage?: string | null;

  @Property({ type: 'integer', nullable: true })
  proposedByUserId?: number | null;

  @Property({ type: 'integer', nullable: true, fieldName: 'etwinning_project_id' })
  eTwinningProjectId?: number | null;

  @Field(() => Date, { nullable: true, description: 'When class B answered.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  respondedAt?: Date | null;

  @Field(() => Date, { description: 'When it was proposed.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'Last change.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('LanguagePairing', this.id);
  }
}
