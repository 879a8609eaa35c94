import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MutationPayload } from '../common/user-error';
import { BudgetBasis, BudgetCategory, BudgetLine, FundingKind, FundingSource, FundingStatus } from './budget.entity';
import { Exchange } from './exchange.entity';

const AMOUNT = 'Amount in minor units of the currency (cents for EUR, öre for SEK, grosze for PLN; whole units for JPY): a whole number from 0 to 2,000,000,000.';
const CURRENCY = 'ISO 4217 currency code in capitals, e.g. "EUR", "SEK", "PLN".';

@InputType({ description: 'A new cost of an exchange.' })
export class AddBudgetLineInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => BudgetCategory, { description: 'What it pays for.' })
  category!: BudgetCategory;

  @Field(() => String, { description: 'What exactly, up to 500 characters, e.g. "Night train Malmö–Kraków, return".' })
  description!: string;

  @Field(() => Int, { description: AMOUNT })
  amountMinor!: number;

  @Field(() => String, { description: CURRENCY })
  currency!: string;

  @Field(() => BudgetBasis, { defaultValue: BudgetBasis.TOTAL, description: 'TOTAL (default): the amount is the whole cost; PER_PARTICIPANT: it is multiplied by the exchange\'s participant count.' })
  basis: BudgetBasis = BudgetBasis.TOTAL;
}

@InputType({ description: 'Changes to a budget line. Omitted fields stay as they are.' })
export class UpdateBudgetLineInput {
  @Field(() => ID, { description: 'The budget line.' })
  id!: string;

  @Field(() => BudgetCategory, { nullable: true, description: 'What it pays for.' })
  category?: BudgetCategory | null;

  @Field(() => String, { nullable: true, description: 'What exactly, up to 500 characters.' })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: AMOUNT })
  amountMinor?: number | null;

  @Field(() => String, { nullable: true, description: CURRENCY })
  currency?: string | null;

  @Field(() => BudgetBasis, { nullable: true, description: 'TOTAL or PER_PARTICIPANT.' })
  basis?: BudgetBasis | null;
}

@InputType({ description: 'New money for an exchange from one source.' })
export class AddFundingSourceInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => FundingKind, { description: 'Where the money comes from.' })
  kind!: FundingKind;

  @Field(() => String, { nullable: true, description: 'Details, e.g. the grant reference; up to 500 characters.' })
  description?: string | null;

  @Field(() => Int, { description: AMOUNT })
  amountMinor!: number;

  @Field(() => String, { description: CURRENCY })
  currency!: string;

  @Field(() => FundingStatus, { description: 'How sure the money is: PLANNED, APPLIED, GRANTED, REJECTED or RECEIVED.' })
  status!: FundingStatus;
}

@InputType({ description: 'Changes to a funding source, e.g. its status once a grant is decided. Omitted fields stay as they are; null clears the description.' })
export class UpdateFundingSourceInput {
  @Field(() => ID, { description: 'The funding source.' })
  id!: string;

  @Field(() => FundingKind, { nullable: true, description: 'Where the money comes from.' })
  kind?: FundingKind | null;

  @Field(() => String, { nullable: true, description: 'Details; null clears them.' })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: AMOUNT })
  amountMinor?: number | null;

  @Field(() => String, { nullable: true, description: CURRENCY })
  currency?: string | null;

  @Field(() => FundingStatus, { nullable: true, description: 'How sure the money is.' })
  status?: FundingStatus | null;
}

@ObjectType({ description: 'Result of a budget-line mutation.' })
export class BudgetLinePayload extends MutationPayload {
  @Field(() => BudgetLine, { nullable: true, description: 'The budget line; null when userErrors is not empty or it was removed.' })
  budgetLine?: BudgetLine | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version and totals; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}

@ObjectType({ description: 'Result of a funding-source mutation.' })
export class FundingSourcePayload extends MutationPayload {
  @Field(() => FundingSource, { nullable: true, description: 'The funding source; null when userErrors is not empty or it was removed.' })
  fundingSource?: FundingSource | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version and totals; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}
