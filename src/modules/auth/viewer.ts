import { registerEnumType } from 'type-graphql';
import { idsParam } from '../../lib/sql';

/** What an API client (a third-party app) may do. Users act through their roles instead. */
export enum Scope {
  PUBLIC_READ = 'public:read',
  EXCHANGES_READ = 'exchanges:read',
  EXCHANGES_WRITE = 'exchanges:write',
}
registerEnumType(Scope, {
  name: 'Scope',
  description: 'Permissions of an API client token.',
  valuesConfig: {
    PUBLIC_READ: { description: 'public:read — towns, twin links, schools, classes looking for partners; no contact details.' },
    EXCHANGES_READ: { description: 'exchanges:read — read exchanges past DRAFT (classes, visits, goals, evaluations, timeline), without pupils, host families, money or contact details.' },
    EXCHANGES_WRITE: { description: 'exchanges:write — reserved: planning exchanges on behalf of schools needs a link between an app and the schools it acts for, which does not exist yet; today only people (coordinators, admins) change exchanges.' },
  },
});

export const ALL_SCOPES: readonly string[] = Object.values(Scope);

export enum ViewerKind {
  ANONYMOUS = 'ANONYMOUS',
  USER = 'USER',
  CLIENT = 'CLIENT',
}
registerEnumType(ViewerKind, {
  name: 'ViewerKind',
  description: 'Who is calling.',
  valuesConfig: {
    ANONYMOUS: { description: 'No token: public data only.' },
    USER: { description: 'A person (admin, coordinator or teacher) with a personal token.' },
    CLIENT: { description: 'A third-party app with a client token and scopes.' },
  },
});

/**
 * The authenticated caller of one request, with everything authorization
 * needs in memory (loaded in one statement with the token), so checks on
 * fields, lists and mutations never query again.
 */
export class Viewer {
  private constructor(
    readonly kind: ViewerKind,
    readonly tokenId: number | null,
    readonly userId: number | null,
    readonly clientId: number | null,
    readonly isAdmin: boolean,
    /** Schools the user coordinates. */
    readonly coordinatorOf: ReadonlySet<number>,
    /** Classes the user teaches. */
    readonly teacherOf: ReadonlySet<number>,
    /** Schools of the classes the user teaches. */
    readonly teacherSchools: ReadonlySet<number>,
    readonly scopes: ReadonlySet<string>,
    /** Whose hourly cost budget this request draws on. */
    readonly budgetKey: string,
  ) {}

  static anonymous(ip: string | undefined): Viewer {
    return new Viewer(ViewerKind.ANONYMOUS, null, null, null, false, new Set(), new Set(), new Set(), new Set([Scope.PUBLIC_READ]), `ip:${ip ?? 'unknown'}`);
  }

  static user(row: {
    tokenId: number;
    userId: number;
    isAdmin: boolean;
    coordinatorOf: number[];
    teacherOf: number[];
    teacherSchools: number[];
  }): Viewer {
    return new Viewer(
      ViewerKind.USER,
      row.tokenId,
      row.userId,
      null,
      row.isAdmin,
      new Set(row.coordinatorOf),
      new Set(row.teacherOf),
      new Set(row.teacherSchools),
      new Set(ALL_SCOPES),
      `token:${row.tokenId}`,
    );
  }

  static client(row: { tokenId: number; clientId: number; scopes: string[] }): Viewer {
    return new Viewer(ViewerKind.CLIENT, row.tokenId, null, row.clientId, false, new Set(), new Set(), new Set(), new Set(row.scopes), `token:${row.tokenId}`);
  }

  get isAuthenticated(): boolean {
    return this.kind !== ViewerKind.ANONYMOUS;
  }

  coordinates(schoolId: number): boolean {
    return this.coordinatorOf.has(schoolId);
  }

  teaches(classId: number): boolean {
    return this.teacherOf.has(classId);
  }

  /** Admins, and coordinators of the school. */
  canManageSchool(schoolId: number): boolean {
    return this.isAdmin || this.coordinates(schoolId);
  }

  /** Contact e-mails of a school: admins, its coordinators and the teachers of its classes. */
  canSeeSchoolContacts(schoolId: number): boolean {
    return this.canManageSchool(schoolId) || this.teacherSchools.has(schoolId);
  }

  /** Editing a class: admins, coordinators of its school, its teachers. */
  canEditClass(schoolClass: { id: number; schoolId: number }): boolean {
    return this.canManageSchool(schoolClass.schoolId) || this.teaches(schoolClass.id);
  }

  /** Internal notes of a class: the same people who may edit it. */
  canSeeClassPrivate(schoolClass: { id: number; schoolId: number }): boolean {
    return this.canEditClass(schoolClass);
  }

  /** A class is public while it looks for partners and its listing has not expired; otherwise only its own people see it. */
  canSeeClass(schoolClass: { id: number; schoolId: number; lookingForPartners: boolean; listingExpiresAt?: Date | null }): boolean {
    if (this.canEditClass(schoolClass)) return true;
    return schoolClass.lookingForPartners && (schoolClass.listingExpiresAt == null || schoolClass.listingExpiresAt.getTime() > Date.now());
  }

  /**
   * The same rule as canSeeClass as SQL on a class alias, so lists, totals
   * and filters never count what the caller may not see. Null: no
   * restriction. The viewer's ids are bound parameters, pushed onto `params`.
   */
  classVisibilitySql(alias: string, params: unknown[]): string | null {
    if (this.isAdmin) return null;
    const parts = [`(${alias}.looking_for_partners and (${alias}.listing_expires_at is null or ${alias}.listing_expires_at > now()))`];
    if (this.coordinatorOf.size) parts.push(idsParam(`${alias}.school_id`, this.coordinatorOf, params));
    if (this.teacherOf.size) parts.push(idsParam(`${alias}.id`, this.teacherOf, params));
    return `(${parts.join(' or ')})`;
  }
}
