import { column, globalId, page, type TypeSpec } from '../common/compiled-read';
import { SCHOOL_SPEC } from '../school/school.compiled';
import { BudgetLine, FundingSource } from './budget.entity';
import { Evaluation, Exchange, Goal, Visit } from './exchange.entity';

/**
 * What `exchange(id:)` compiles (see compiled-read.ts) once it has loaded
 * the exchange and checked that the caller may see it: the lists of its
 * detail page, in their resolvers' orders. Budget lines and funding sources
 * only for those who may read the money (`manage`); for anyone else their
 * resolvers answer, with their FORBIDDEN. Every other field of the exchange
 * (its budget totals, classes, timeline …) resolves from the entity.
 */
export function exchangeSpec(access: { manage: boolean }): TypeSpec {
  const fields: TypeSpec['fields'] = {
    id: globalId('Exchange'),
    title: column('title'),
    status: column('status'),
    // ExchangeResolver.visits and .goals: earliest first, and in the order added.
    visits: page(() => VISIT_SPEC, 'Visit', (e, v) => `${v}.exchange_id = ${e}.id`, (v) => `${v}.starts_on asc, ${v}.id asc`),
    goals: page(() => GOAL_SPEC, 'Goal', (e, g) => `${g}.exchange_id = ${e}.id`, (g) => `${g}.id asc`),
  };
  if (access.manage) {
    // ExchangeBudgetResolver.budgetLines and .fundingSources: in the order added.
    fields.budgetLines = page(() => BUDGET_LINE_SPEC, 'BudgetLine', (e, l) => `${l}.exchange_id = ${e}.id`, (l) => `${l}.id asc`);
    fields.fundingSources = page(() => FUNDING_SOURCE_SPEC, 'FundingSource', (e, f) => `${f}.exchange_id = ${e}.id`, (f) => `${f}.id asc`);
  }
  return { type: 'Exchange', entity: Exchange, fields };
}

const VISIT_SPEC: TypeSpec = {
  type: 'Visit',
  entity: Visit,
  fields: {
    id: globalId('Visit'),
    startsOn: column('startsOn'),
    endsOn: column('endsOn'),
    participantCount: column('participantCount'),
    accompanyingTeacherCount: column('accompanyingTeacherCount'),
    transportMode: column('transportMode'),
    greenTravel: column('greenTravel'),
    accommodation: column('accommodation'),
    // VisitResolver.hostSchool: by id, no check of its own.
    hostSchool: { kind: 'one', target: () => SCHOOL_SPEC, on: (v, s) => `${s}.id = ${v}.host_school_id` },
  },
};

const EVALUATION_SPEC: TypeSpec = {
  type: 'Evaluation',
  entity: Evaluation,
  fields: { id: globalId('Evaluation'), evaluatedOn: column('evaluatedOn'), outcome: column('outcome') },
};

const GOAL_SPEC: TypeSpec = {
  type: 'Goal',
  entity: Goal,
  fields: {
    id: globalId('Goal'),
    description: column('description'),
    indicator: column('indicator'),
    target: column('target'),
    evaluationOn: column('evaluationOn'),
    // GoalResolver.evaluations: earliest first.
    evaluations: page(() => EVALUATION_SPEC, 'Evaluation', (g, e) => `${e}.goal_id = ${g}.id`, (e) => `${e}.evaluated_on asc, ${e}.id asc`),
  },
};

const BUDGET_LINE_SPEC: TypeSpec = {
  type: 'BudgetLine',
  entity: BudgetLine,
  fields: {
    id: globalId('BudgetLine'),
    category: column('category'),
    description: column('description'),
    amountMinor: column('amountMinor'),
    currency: column('currency'),
    basis: column('basis'),
  },
};

const FUNDING_SOURCE_SPEC: TypeSpec = {
  type: 'FundingSource',
  entity: FundingSource,
  fields: {
    id: globalId('FundingSource'),
    kind: column('kind'),
    description: column('description'),
    amountMinor: column('amountMinor'),
    currency: column('currency'),
    status: column('status'),
  },
};
