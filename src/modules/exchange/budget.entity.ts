import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../lib/global-id';
import { Node } from '../common/node';

export enum BudgetCategory {
  TRAVEL = 'TRAVEL',
  ACCOMMODATION = 'ACCOMMODATION',
  ACTIVITIES = 'ACTIVITIES',
  ORGANISATIONAL = 'ORGANISATIONAL',
  INCLUSION_SUPPORT = 'INCLUSION_SUPPORT',
  OTHER = 'OTHER',
}
registerEnumType(BudgetCategory, { name: 'BudgetCategory', description: 'What a budget line pays for.' });

export enum BudgetBasis {
  TOTAL = 'TOTAL',
  PER_PARTICIPANT = 'PER_PARTICIPANT',
}
registerEnumType(BudgetBasis, {
  name: 'BudgetBasis',
  description: 'How a budget line amount counts.',
  valuesConfig: {
    TOTAL: { description: 'The amount is the whole cost.' },
    PER_PARTICIPANT: { description: 'The amount is per participant: multiplied by the exchange\'s participant count (pupils and accompanying teachers of all visits).' },
  },
});

export enum FundingKind {
  ERASMUS_PLUS = 'ERASMUS_PLUS',
  CERV_TOWN_TWINNING = 'CERV_TOWN_TWINNING',
  MUNICIPALITY = 'MUNICIPALITY',
  FUNDRAISING = 'FUNDRAISING',
  PARENTS = 'PARENTS',
  OTHER = 'OTHER',
}
registerEnumType(FundingKind, { name: 'FundingKind', description: 'Where money comes from (key 10 of the twinning guide).' });

export enum FundingStatus {
  PLANNED = 'PLANNED',
  APPLIED = 'APPLIED',
  GRANTED = 'GRANTED',
  REJECTED = 'REJECTED',
  RECEIVED = 'RECEIVED',
}
registerEnumType(FundingStatus, {
  name: 'FundingStatus',
  description: 'How sure a funding source is. GRANTED and RECEIVED count as secured; PLANNED and APPLIED as pending; REJECTED counts nowhere.',
});

/** A cost of an exchange, in integer minor units of one ISO 4217 currency. */
@ObjectType({ implements: Node, description: 'A cost of an exchange. Visible only to coordinators of the schools involved and to admins.' })
@Entity({ tableName: 'budget_line' })
export class BudgetLine implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Field(() => BudgetCategory, { description: 'What it pays for.' })
  @Property({ type: 'string', length: 30 })
  category!: BudgetCategory;

  @Field(() => String, { description: 'What exactly, up to 500 characters.' })
  @Property({ type: 'string', length: 500 })
  description!: string;

  @Field(() => Int, { description: 'Amount in minor units of the currency (cents for EUR), a whole number ≥ 0.' })
  @Property({ type: 'integer' })
  amountMinor!: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "EUR", "SEK", "PLN".' })
  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Field(() => BudgetBasis, { description: 'Whether the amount is the total or per participant.' })
  @Property({ type: 'string', length: 20 })
  basis!: BudgetBasis;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('BudgetLine', this.id);
  }
}

/** Money expected or received for an exchange. */
@ObjectType({ implements: Node, description: 'Money for an exchange from one source. Visible only to coordinators of the schools involved and to admins.' })
@Entity({ tableName: 'funding_source' })
export class FundingSource implements Node {
  [OptionalProps]?: 'createdAt' | 'globalId';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  exchangeId!: number;

  @Field(() => FundingKind, { description: 'Where the money comes from.' })
  @Property({ type: 'string', length: 30 })
  kind!: FundingKind;

  @Field(() => String, { nullable: true, description: 'Details, e.g. the grant reference; up to 500 characters.' })
  @Property({ type: 'string', length: 500, nullable: true })
  description?: string | null;

  @Field(() => Int, { description: 'Amount in minor units of the currency, a whole number ≥ 0.' })
  @Property({ type: 'integer' })
  amountMinor!: number;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  @Property({ type: 'string', length: 3, columnType: 'char(3)' })
  currency!: string;

  @Field(() => FundingStatus, { description: 'How sure the money is.' })
  @Property({ type: 'string', length: 20 })
  status!: FundingStatus;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId('FundingSource', this.id);
  }
}
