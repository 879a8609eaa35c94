import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../common/scalars';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

export enum TwinLinkKind {
  TWINNING = 'TWINNING',
  PARTNERSHIP = 'PARTNERSHIP',
  FRIENDSHIP = 'FRIENDSHIP',
}
registerEnumType(TwinLinkKind, {
  name: 'TwinLinkKind',
  description: 'How formal a link between two towns is.',
  valuesConfig: {
    TWINNING: { description: 'A formal twinning (jumelage, Städtepartnerschaft).' },
    PARTNERSHIP: { description: 'A partnership agreement short of full twinning.' },
    FRIENDSHIP: { description: 'A friendship link without a formal agreement.' },
  },
});

export enum TwinLinkStatus {
  ACTIVE = 'ACTIVE',
  DORMANT = 'DORMANT',
  ENDED = 'ENDED',
}
registerEnumType(TwinLinkStatus, {
  name: 'TwinLinkStatus',
  description: 'Whether a twin link is alive.',
  valuesConfig: {
    ACTIVE: { description: 'In force.' },
    DORMANT: { description: 'In force on paper, with no recent activity.' },
    ENDED: { description: 'Ended; kept for the record.' },
  },
});

export enum TwinLinkSource {
  WIKIDATA = 'WIKIDATA',
  MANUAL = 'MANUAL',
  IMPORT = 'IMPORT',
}
registerEnumType(TwinLinkSource, {
  name: 'TwinLinkSource',
  description: 'Where a twin link came from.',
  valuesConfig: {
    WIKIDATA: { description: 'Imported from Wikidata ("twinned administrative body", P190).' },
    MANUAL: { description: 'Created through the API.' },
    IMPORT: { description: 'Imported from a user-supplied file.' },
  },
});

/**
 * A twinning between two towns. Stored once per pair with town_a_id <
 * town_b_id; the twin_edge view gives both directions.
 */
@ObjectType({ implements: Node, description: 'A twinning (or partnership) between two towns.' })
@Entity({ tableName: 'twin_link' })
export class TwinLink implements Node {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'globalId' | 'kind' | 'status' | 'source';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer', fieldName: 'town_a_id' })
  townAId!: number;

  @Property({ type: 'integer', fieldName: 'town_b_id' })
  townBId!: number;

  @Field(() => Int, { nullable: true, description: 'Year the link was made, when known.' })
  @Property({ type: 'smallint', nullable: true })
  since?: number | null;

  @Field(() => TwinLinkKind, { description: 'How formal the link is.' })
  @Property({ type: 'string', length: 20 })
  kind: TwinLinkKind = TwinLinkKind.TWINNING;

  @Field(() => TwinLinkStatus, { description: 'Whether the link is in force.' })
  @Property({ type: 'string', length: 20 })
  status: TwinLinkStatus = TwinLinkStatus.ACTIVE;

  @Field(() => TwinLinkSource, { description: 'Where the link came from.' })
  @Property({ type: 'string', length: 20 })
  source: TwinLinkSource = TwinLinkSource.MANUAL;

  @Field(() => DateScalar, { nullable: true, description: 'Date the link ended, when it has.' })
  @Property({ type: 'date', nullable: true })
  endedOn?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('TwinLink', this.id);
  }
}
