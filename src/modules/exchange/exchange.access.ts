import { idsParam } from '../../lib/sql';
import { Scope, type Viewer } from '../auth/viewer';
import { ExchangeStatus, type Exchange, type ExchangeClass } from './exchange.entity';

/**
 * Who may see and change an exchange. The same rules in memory (for one
 * loaded exchange) and as SQL (for lists and totals), so nothing a caller
 * may not see is ever counted.
 *
 * - Admins: everything.
 * - Coordinators of a school with a class in the exchange: everything,
 *   including participants, host families, budget and contact details;
 *   they make every change.
 * - Teachers of a class in the exchange: the exchange, its visits, goals,
 *   evaluations and timeline; no personal data, no money.
 * - Apps with the `exchanges:read` scope: exchanges past DRAFT, without
 *   personal data or money.
 * - Everyone else: nothing (aggregates such as Town.exchangeStats are public).
 */
export class ExchangeAccess {
  constructor(private readonly viewer: Viewer) {}

  /** SQL condition on an exchange alias (the viewer's ids bound, pushed onto `params`); null when there is no restriction. */
  visibilitySql(alias: string, params: unknown[]): string | null {
    const v = this.viewer;
    if (v.isAdmin) return null;
    const parts: string[] = [];
    const involved: string[] = [];
    if (v.coordinatorOf.size) involved.push(idsParam('vx.school_id', v.coordinatorOf, params));
    if (v.teacherOf.size) involved.push(idsParam('vx.class_id', v.teacherOf, params));
    if (involved.length) {
      parts.push(`exists (select 1 from exchange_class vx where vx.exchange_id = ${alias}.id and (${involved.join(' or ')}))`);
    }
    if (v.scopes.has(Scope.EXCHANGES_READ) && v.clientId !== null) parts.push(`${alias}.status <> 'DRAFT'`);
    return parts.length ? `(${parts.join(' or ')})` : 'false';
  }

  canSee(exchange: Pick<Exchange, 'status'>, classes: readonly ExchangeClass[]): boolean {
    const v = this.viewer;
    if (this.canManage(classes)) return true;
    if (classes.some((c) => v.teaches(c.classId))) return true;
    return v.clientId !== null && v.scopes.has(Scope.EXCHANGES_READ) && exchange.status !== ExchangeStatus.DRAFT;
  }

  /** Changing the exchange and reading its private parts: admins and coordinators of a school involved. */
  canManage(classes: readonly ExchangeClass[]): boolean {
    return this.viewer.isAdmin || classes.some((c) => this.viewer.coordinates(c.schoolId));
  }
}

type AccessLoaders = {
  exchange: { load(id: number): Promise<Exchange | null> };
  exchangeClasses: { load(id: number): Promise<ExchangeClass[]> };
};

/**
 * What the viewer may do with one exchange, through the request's loaders
 * (batched across siblings). `involved`: its managers and the teachers of its
 * classes, who also see its classes, notes and who did what.
 */
export async function accessToExchange(loaders: AccessLoaders, viewer: Viewer, exchangeId: number): Promise<{ see: boolean; manage: boolean; involved: boolean }> {
  if (viewer.isAdmin) {
    // Admins may do everything with any exchange: its classes decide nothing (one statement fewer).
    const exists = (await loaders.exchange.load(exchangeId)) !== null;
    return { see: exists, manage: exists, involved: exists };
  }
  const [exchange, classes] = await Promise.all([loaders.exchange.load(exchangeId), loaders.exchangeClasses.load(exchangeId)]);
  if (!exchange) return { see: false, manage: false, involved: false };
  const access = new ExchangeAccess(viewer);
  const manage = access.canManage(classes);
  return { see: access.canSee(exchange, classes), manage, involved: manage || classes.some((c) => viewer.teaches(c.classId)) };
}
