import type { EntityManager } from '@mikro-orm/postgresql';
import { placeholders } from '../../lib/sql';
import { requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { BudgetBasis, BudgetLine, FundingSource } from './budget.entity';
import { distanceBand, type ErasmusDistanceBand } from './distance-band';
import { ERASMUS_TRAVEL_TABLE, travelUnitCost } from './erasmus-travel';
import { childUnderLock, changeExchange, exchangeIdOf, ExchangeChangeService } from './exchange.change';
import { ExchangeEventKind, type Visit } from './exchange.entity';
import type { AddBudgetLineInput, AddFundingSourceInput, UpdateBudgetLineInput, UpdateFundingSourceInput } from './budget.inputs';

/** Largest amount of one line or source, in minor units (the column is a 32-bit integer). */
export const MAX_AMOUNT_MINOR = 2_000_000_000;

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217, capitals only (e.g. "EUR"), as the ICU data of the running Node knows them. */
export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value) && CURRENCIES.has(value);
}

function checkAmount(check: InputChecker, field: string[], value: number): number | null {
  if (!Number.isInteger(value) || value < 0 || value > MAX_AMOUNT_MINOR) {
    check.add(field, UserErrorCode.INVALID_AMOUNT, `${field.join('.')} must be a whole number of minor units from 0 to ${MAX_AMOUNT_MINOR.toLocaleString('en')}.`);
    return null;
  }
  return value;
}

function checkCurrency(check: InputChecker, field: string[], value: string): string | null {
  const code = value.trim();
  if (!isCurrencyCode(code)) {
    check.add(field, UserErrorCode.INVALID_CURRENCY, `"${code}" is not an ISO 4217 currency code (e.g. "EUR").`);
    return null;
  }
  return code;
}

/**
 * What the timeline says about a money change. The timeline is read by
 * everyone who sees the exchange (its teachers, apps with exchanges:read),
 * who may not see money: so it names the kind of line or source and the
 * fields that changed, never amounts, currencies or descriptions.
 */
const changedFields = (changes: object) => Object.keys(changes).join(', ') || 'nothing';

/**
 * Budget lines and funding sources of an exchange. Every change goes
 * through changeExchange (one transaction, row lock, managers only, closed
 * exchanges refused, version bump, timeline entry BUDGET_CHANGED or
 * FUNDING_CHANGED).
 */
export class BudgetService extends ExchangeChangeService {

  async addLine(input: AddBudgetLineInput): Promise<Result<BudgetLine>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const description = check.text(['description'], input.description, 500, true);
    const amountMinor = checkAmount(check, ['amountMinor'], input.amountMinor);
    const currency = checkCurrency(check, ['currency'], input.currency);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['exchangeId'] }, async ({ em, record }) => {
      const line = em.create(BudgetLine, {
        exchangeId: exchangeId!,
        category: input.category,
        description: description!,
        amountMinor: amountMinor!,
        currency: currency!,
        basis: input.basis ?? BudgetBasis.TOTAL,
      });
      await em.flush();
      record(ExchangeEventKind.BUDGET_CHANGED, `Budget line added (${line.category}).`);
      return line;
    });
  }

  async updateLine(input: UpdateBudgetLineInput): Promise<Result<BudgetLine>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'BudgetLine');
    const changes: Partial<BudgetLine> = {};
    if (input.category != null) changes.category = input.category;
    if (input.basis != null) changes.basis = input.basis;
    if (input.description != null) changes.description = check.text(['description'], input.description, 500, true) ?? undefined;
    if (input.amountMinor != null) changes.amountMinor = checkAmount(check, ['amountMinor'], input.amountMinor) ?? undefined;
    if (input.currency != null) changes.currency = checkCurrency(check, ['currency'], input.currency) ?? undefined;
    const exchangeId = await exchangeIdOf(this.em, 'budget_line', id, check, ['id']);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, record }) => {
      const line = await childUnderLock(em, check, BudgetLine, id!);
      if (!line) return null;
      Object.assign(line, changes);
      record(ExchangeEventKind.BUDGET_CHANGED, `Budget line changed (${changedFields(changes)}).`);
      return line;
    });
  }

  async removeLine(globalId: string): Promise<Result<BudgetLine>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'BudgetLine');
    const exchangeId = await exchangeIdOf(this.em, 'budget_line', id, check, ['id']);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, record }) => {
      const line = await childUnderLock(em, check, BudgetLine, id!);
      if (!line) return null;
      await em.nativeDelete(BudgetLine, { id: line.id });
      record(ExchangeEventKind.BUDGET_CHANGED, `Budget line removed (${line.category}).`);
      return line;
    });
  }

  async addFunding(input: AddFundingSourceInput): Promise<Result<FundingSource>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const description = check.text(['description'], input.description, 500, false);
    const amountMinor = checkAmount(check, ['amountMinor'], input.amountMinor);
    const currency = checkCurrency(check, ['currency'], input.currency);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['exchangeId'] }, async ({ em, record }) => {
      const source = em.create(FundingSource, {
        exchangeId: exchangeId!,
        kind: input.kind,
        description,
        amountMinor: amountMinor!,
        currency: currency!,
        status: input.status,
      });
      await em.flush();
      record(ExchangeEventKind.FUNDING_CHANGED, `Funding source added (${source.kind}).`);
      return source;
    });
  }

  async updateFunding(input: UpdateFundingSourceInput): Promise<Result<FundingSource>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'FundingSource');
    const changes: Partial<FundingSource> = {};
    if (input.kind != null) changes.kind = input.kind;
    if (input.status != null) changes.status = input.status;
    if (input.description !== undefined) changes.description = check.text(['description'], input.description, 500, false);
    if (input.amountMinor != null) changes.amountMinor = checkAmount(check, ['amountMinor'], input.amountMinor) ?? undefined;
    if (input.currency != null) changes.currency = checkCurrency(check, ['currency'], input.currency) ?? undefined;
    const exchangeId = await exchangeIdOf(this.em, 'funding_source', id, check, ['id']);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, record }) => {
      const source = await childUnderLock(em, check, FundingSource, id!);
      if (!source) return null;
      Object.assign(source, changes);
      record(ExchangeEventKind.FUNDING_CHANGED, `Funding source changed (${changedFields(changes)}).`);
      return source;
    });
  }

  async removeFunding(globalId: string): Promise<Result<FundingSource>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'FundingSource');
    const exchangeId = await exchangeIdOf(this.em, 'funding_source', id, check, ['id']);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'] }, async ({ em, record }) => {
      const source = await childUnderLock(em, check, FundingSource, id!);
      if (!source) return null;
      await em.nativeDelete(FundingSource, { id: source.id });
      record(ExchangeEventKind.FUNDING_CHANGED, `Funding source removed (${source.kind}).`);
      return source;
    });
  }
}

// ------------------------------------------------------------------ totals

/** The money of one exchange in one currency, in minor units. */
export type CurrencyTotals = {
  currency: string;
  cost: number;
  fundingSecured: number;
  fundingReceived: number;
  fundingPending: number;
  gap: number;
  costPerParticipant: number | null;
};

export type BudgetTotals = { participantCount: number; totals: CurrencyTotals[] };

function safeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`budget total ${value} is beyond 2^53`);
  return n;
}

/** cost / n rounded half up to the minor unit (both ≥ 0), in exact integer arithmetic. */
export function perParticipant(cost: bigint, n: bigint): bigint | null {
  return n === 0n ? null : (2n * cost + n) / (2n * n);
}

/**
 * Budget totals of many exchanges in one statement. Sums are taken as
 * bigint in SQL (a PER_PARTICIPANT line times the participant count can pass
 * 2^31) and come back as text, so nothing is rounded on the way.
 *
 * - participantCount = Σ over visits (participantCount + accompanyingTeacherCount)
 * - cost = Σ TOTAL lines + Σ PER_PARTICIPANT lines × participantCount
 * - fundingSecured = GRANTED + RECEIVED; fundingReceived = RECEIVED;
 *   fundingPending = PLANNED + APPLIED; REJECTED counts nowhere
 * - gap = cost − fundingSecured (negative: a surplus)
 * - costPerParticipant = cost / participantCount, rounded half up; null when 0
 *
 * One entry per currency used by a line or a source of the exchange,
 * sorted by code; currencies are never added together.
 */
export async function budgetTotals(em: EntityManager, exchangeIds: readonly number[]): Promise<BudgetTotals[]> {
  const ids = [...new Set(exchangeIds)];
  const rows = await em.getConnection().execute<BudgetTotalsRow[]>(budgetTotalsSql(placeholders(ids)), [...ids, ...ids], 'all', em.getTransactionContext());
  return budgetTotalsOf(exchangeIds, rows);
}

export type BudgetTotalsRow = {
  exchange_id: number;
  participants: string;
  currency: string | null;
  cost: string | null;
  secured: string | null;
  received: string | null;
  pending: string | null;
};

/**
 * The statement of budgetTotals for the exchanges `ids` (SQL: placeholders,
 * or a column of an enclosing query, as a compiled read uses it).
 */
export function budgetTotalsSql(ids: string): string {
  return `with travellers as (
       select e.id as exchange_id, coalesce(sum(v.participant_count + v.accompanying_teacher_count), 0)::bigint as n
       from exchange e left join visit v on v.exchange_id = e.id
       where e.id in (${ids})
       group by e.id
     ), money as (
       select b.exchange_id, b.currency,
              sum(case when b.basis = 'PER_PARTICIPANT' then b.amount_minor::bigint * t.n else b.amount_minor::bigint end) as cost,
              0 as secured, 0 as received, 0 as pending
       from budget_line b join travellers t on t.exchange_id = b.exchange_id
       group by b.exchange_id, b.currency
       union all
       select f.exchange_id, f.currency, 0,
              coalesce(sum(f.amount_minor::bigint) filter (where f.status in ('GRANTED', 'RECEIVED')), 0),
              coalesce(sum(f.amount_minor::bigint) filter (where f.status = 'RECEIVED'), 0),
              coalesce(sum(f.amount_minor::bigint) filter (where f.status in ('PLANNED', 'APPLIED')), 0)
       from funding_source f
       where f.exchange_id in (${ids})
       group by f.exchange_id, f.currency
     )
     select t.exchange_id, t.n::text as participants, m.currency,
            sum(m.cost)::text as cost, sum(m.secured)::text as secured, sum(m.received)::text as received, sum(m.pending)::text as pending
     from travellers t left join money m on m.exchange_id = t.exchange_id
     group by t.exchange_id, t.n, m.currency
     order by t.exchange_id, m.currency`;
}

/** The rows of budgetTotalsSql as totals, one per exchange id asked for. */
export function budgetTotalsOf(exchangeIds: readonly number[], rows: readonly BudgetTotalsRow[]): BudgetTotals[] {
  const byExchange = new Map<number, BudgetTotals>();
  for (const row of rows) {
    const exchangeId = Number(row.exchange_id);
    const n = BigInt(row.participants);
    let entry = byExchange.get(exchangeId);
    if (!entry) byExchange.set(exchangeId, (entry = { participantCount: safeNumber(n), totals: [] }));
    if (row.currency === null) continue;
    const cost = BigInt(row.cost!);
    const secured = BigInt(row.secured!);
    const perHead = perParticipant(cost, n);
    entry.totals.push({
      currency: row.currency.trim(),
      cost: safeNumber(cost),
      fundingSecured: safeNumber(secured),
      fundingReceived: safeNumber(BigInt(row.received!)),
      fundingPending: safeNumber(BigInt(row.pending!)),
      gap: safeNumber(cost - secured),
      costPerParticipant: perHead === null ? null : safeNumber(perHead),
    });
  }
  return exchangeIds.map((id) => byExchange.get(id) ?? { participantCount: 0, totals: [] });
}

// ------------------------------------------------------- Erasmus+ estimate

/** The Erasmus+ travel contribution one visit could claim, in euro cents. */
export type VisitTravelEstimate = {
  distanceBand: ErasmusDistanceBand;
  greenRate: boolean;
  travellerCount: number;
  unitCostMinor: number;
  amountMinor: number;
};

/**
 * Travellers (pupils + accompanying teachers) × the unit cost of the
 * visit's distance band, at the green rate when the visit is green travel
 * and the band has one. Null under 10 km or when the distance is unknown
 * (no travel support).
 */
export function estimateVisitTravel(visit: Pick<Visit, 'participantCount' | 'accompanyingTeacherCount' | 'greenTravel'>, km: number | null): VisitTravelEstimate | null {
  const band = km === null ? null : distanceBand(km);
  if (band === null) return null;
  const { unitMinor, greenRate } = travelUnitCost(band, visit.greenTravel);
  const travellerCount = visit.participantCount + visit.accompanyingTeacherCount;
  return { distanceBand: band, greenRate, travellerCount, unitCostMinor: unitMinor, amountMinor: travellerCount * unitMinor };
}

export const ERASMUS_TABLE_INFO = {
  year: ERASMUS_TRAVEL_TABLE.year,
  source: ERASMUS_TRAVEL_TABLE.source,
  validForCalls: ERASMUS_TRAVEL_TABLE.validForCalls,
};
