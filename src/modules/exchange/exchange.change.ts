import { LockMode, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAllowed } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { UserErrorCode, type Result } from '../common/user-error';
import type { InputChecker } from '../common/validation';
import { ExchangeAccess } from './exchange.access';
import { CLOSED_EXCHANGE_STATUSES, Exchange, ExchangeClass, ExchangeEvent, type ExchangeEventKind, type ExchangeStatus } from './exchange.entity';

/** Who is changing things, for the timeline. */
export type Actor = { viewer: Viewer; requestId: string | null };

/** Base of the services whose changes go through changeExchange: the request's em, caller and request id. */
export abstract class ExchangeChangeService {
  constructor(
    protected readonly em: EntityManager,
    protected readonly viewer: Viewer,
    protected readonly requestId: string | null = null,
  ) {}

  protected get actor(): Actor {
    return { viewer: this.viewer, requestId: this.requestId };
  }
}

/** What a change to an exchange gets to work with, inside its transaction and under its row lock. */
export type ChangeScope = {
  em: EntityManager;
  exchange: Exchange;
  classes: ExchangeClass[];
  check: InputChecker;
  /** Adds a timeline entry, written with the change (and only if it succeeds). */
  record(kind: ExchangeEventKind, summary: string, status?: { from: ExchangeStatus; to: ExchangeStatus }): void;
};

export type ChangeOptions = {
  /** Input path of the exchange id, for NOT_FOUND. */
  idField: string[];
  /** Optimistic lock: the version the caller last read. */
  expectedVersion?: number | null;
  /** Whether a COMPLETED or CANCELLED exchange may still take this change (never, so far). */
  allowClosed?: boolean;
  /**
   * Database constraints this change may hit under a race the friendly
   * checks could not see, by constraint name, and the user error each means.
   */
  constraints?: Record<string, { field: string[]; code: UserErrorCode; message: string }>;
};

/** Thrown inside the transaction to undo whatever the change wrote once it found userErrors. */
class UserErrorsFound extends Error {}

/**
 * The one way anything about an exchange changes. In one transaction (a
 * savepoint inside the mutation's transaction): lock the exchange row, check
 * the caller may manage it, check the version and that it is still open, run
 * the change, then bump the version and write the timeline entries. If the
 * change reports userErrors, everything it wrote is rolled back.
 *
 * The row lock serialises all changes to one exchange and its parts, so
 * guards that count visits, goals or host-family places see a stable state.
 */
export async function changeExchange<T>(
  em: EntityManager,
  actor: Actor,
  exchangeId: number | null,
  check: InputChecker,
  options: ChangeOptions,
  body: (scope: ChangeScope) => Promise<T | null>,
): Promise<Result<T>> {
  if (!check.ok || exchangeId === null) return { value: null, userErrors: check.errors };
  const access = new ExchangeAccess(actor.viewer);
  try {
    const value = await em.transactional(async (tx) => {
      const exchange = await tx.findOne(Exchange, { id: exchangeId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const classes = exchange ? await tx.find(ExchangeClass, { exchangeId }, { refresh: true }) : [];
      if (!exchange || !access.canSee(exchange, classes)) {
        check.add(options.idField, UserErrorCode.NOT_FOUND, 'Nothing you may see has this id.');
        throw new UserErrorsFound();
      }
      requireAllowed(actor.viewer, access.canManage(classes), 'change this exchange');
      if (options.expectedVersion != null && options.expectedVersion !== exchange.version) {
        check.add(['version'], UserErrorCode.CONFLICT, `The exchange is at version ${exchange.version}, not ${options.expectedVersion}: it changed since you read it.`);
        throw new UserErrorsFound();
      }
      if (!options.allowClosed && CLOSED_EXCHANGE_STATUSES.includes(exchange.status)) {
        check.add(options.idField, UserErrorCode.EXCHANGE_CLOSED, `The exchange is ${exchange.status}; it can no longer change.`);
        throw new UserErrorsFound();
      }
      const events: Omit<ExchangeEvent, 'id' | 'at' | 'globalId'>[] = [];
      const result = await body({
        em: tx as EntityManager,
        exchange,
        classes,
        check,
        record(kind, summary, status) {
          events.push({
            exchangeId: exchange.id,
            kind,
            summary,
            fromStatus: status?.from ?? null,
            toStatus: status?.to ?? null,
            actorUserId: actor.viewer.userId,
            actorClientId: actor.viewer.clientId,
            requestId: actor.requestId,
          });
        },
      });
      if (!check.ok || result === null) throw new UserErrorsFound();
      exchange.version += 1;
      exchange.updatedAt = new Date();
      for (const event of events) tx.create(ExchangeEvent, event);
      await tx.flush();
      return result;
    });
    return { value, userErrors: [] };
  } catch (err) {
    if (err instanceof UserErrorsFound) return { value: null, userErrors: check.errors };
    const message = err instanceof Error ? err.message : '';
    const hit = Object.entries(options.constraints ?? {}).find(([name]) => message.includes(name));
    if (hit) {
      check.add(hit[1].field, hit[1].code, hit[1].message);
      return { value: null, userErrors: check.errors };
    }
    throw err;
  }
}

/**
 * A child row (visit, goal, line …) read under the exchange's lock. It was
 * found before the lock was taken, so a change that committed meanwhile may
 * have removed it: then NOT_FOUND on `id`, not an internal error.
 */
export async function childUnderLock<T extends object>(em: EntityManager, check: InputChecker, entity: EntityName<T>, id: number): Promise<T | null> {
  const row = await em.findOne(entity, { id } as never, { refresh: true });
  if (!row) check.add(['id'], UserErrorCode.NOT_FOUND, 'Nothing you may see has this id.');
  return (row as T | null) ?? null;
}

export type ChildTable = 'visit' | 'goal' | 'participant' | 'host_family' | 'budget_line' | 'funding_source';

/**
 * The exchange a child row (visit, goal, participant …) belongs to. A
 * missing row is a NOT_FOUND user error on `field` and gives null.
 */
export async function exchangeIdOf(em: EntityManager, table: ChildTable, id: number | null, check: InputChecker, field: string[]): Promise<number | null> {
  if (id === null) return null;
  const rows = await em.getConnection().execute<{ exchange_id: number }[]>(
    `select exchange_id from ${table} where id = ?`,
    [id],
    'all',
    em.getTransactionContext(),
  );
  const exchangeId = rows[0]?.exchange_id ?? null;
  if (exchangeId === null) check.add(field, UserErrorCode.NOT_FOUND, 'Nothing you may see has this id.');
  return exchangeId;
}
