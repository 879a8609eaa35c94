import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { placeholders } from '../../lib/sql';
import { requireAllowed, requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { filterId } from '../common/filters';
import { fetchPage, SortDirection, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { ExchangeAccess } from '../exchange/exchange.access';
import { changeExchange, ExchangeChangeService } from '../exchange/exchange.change';
import { ExchangeClass, ExchangeEventKind } from '../exchange/exchange.entity';
import { School } from '../school/school.entity';
import { Town } from '../town/town.entity';
import { TwinLink, TwinLinkStatus } from '../twin-link/twin-link.entity';
import { Contact, ContactRole, ExchangeContact, Organisation, OrganisationKind, TwinLinkContact } from './community.entity';
import type { AttachContactInput, CreateContactInput, CreateOrganisationInput, DetachContactInput, OrganisationFilter } from './community.inputs';

/** Organisations are listed by name, A–Z (ties by id, for stable cursors). */
const BY_NAME: Ordering = { key: 'NAME:ASC', column: { sql: 'o.name', type: 'string' }, direction: SortDirection.ASC };

/** At most this many contact roles per exchange and per steering group: a steering group is small (key 5). */
export const MAX_CONTACTS = 50;

/** Digits, spaces and the usual separators, with at least five digits. */
function isPhone(value: string): boolean {
  return /^\+?[0-9 ()./-]+$/.test(value) && (value.match(/[0-9]/g)?.length ?? 0) >= 5;
}

/** Where an attach or detach applies: an exchange or a twin link's steering group. */
type Target = { exchangeId: number; twinLinkId: null } | { exchangeId: null; twinLinkId: number };

/**
 * Organisations and contact people around exchanges and twinnings (keys 2
 * and 5 of the twinning guide).
 *
 * Contact details (e-mail, phone) are private. They are visible to admins,
 * to the user who created the contact, and to the managers of any exchange
 * the contact is attached to (its schools' coordinators). Steering-group
 * membership does not open them. Only someone who may see a contact's
 * details may attach it somewhere, so attaching never reveals details to
 * people the creator did not share them with.
 */
export class CommunityService extends ExchangeChangeService {
  private readonly access: ExchangeAccess;

  constructor(em: EntityManager, viewer: Viewer, requestId: string | null = null) {
    super(em, viewer, requestId);
    this.access = new ExchangeAccess(viewer);
  }

  // ------------------------------------------------------------ organisations

  listOrganisations(args: PageArgs, filter?: OrganisationFilter | null) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter?.townId != null) {
      where.push('o.town_id = ?');
      params.push(filterId(filter.townId, 'Town', 'filter.townId'));
    }
    if (filter?.kinds?.length) {
      where.push(`o.kind in (${placeholders(filter.kinds)})`);
      params.push(...filter.kinds);
    }
    const list: ListSql = { entity: Organisation, select: 'o.*', from: 'organisation o', idColumn: 'o.id', where, params };
    return fetchPage<Organisation>(this.em, list, BY_NAME, args);
  }

  /** Any signed-in person; linking a school needs the right to manage it. */
  async createOrganisation(input: CreateOrganisationInput): Promise<Result<Organisation>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const name = check.text(['name'], input.name, 200, true);
    const website = check.url(['website'], input.website, 500);
    const townId = check.globalId(['townId'], input.townId, 'Town');
    const schoolId = input.schoolId != null ? check.globalId(['schoolId'], input.schoolId, 'School') : null;
    if (schoolId !== null && input.kind !== OrganisationKind.SCHOOL) {
      check.add(['schoolId'], UserErrorCode.INVALID_VALUE, 'Only an organisation of kind SCHOOL can be linked to a school.');
    }
    if (!check.ok) return { value: null, userErrors: check.errors };
    if (!(await this.em.count(Town, { id: townId! }))) check.add(['townId'], UserErrorCode.NOT_FOUND, 'No town has this id.');
    if (schoolId !== null) {
      const school = await this.em.findOne(School, { id: schoolId });
      if (!school) check.add(['schoolId'], UserErrorCode.NOT_FOUND, 'No school has this id.');
      else {
        if (school.townId !== townId) check.add(['schoolId'], UserErrorCode.INVALID_VALUE, 'The school is in another town.');
        requireAllowed(this.viewer, this.viewer.canManageSchool(school.id), 'speak for this school');
      }
    }
    if (!check.ok) return { value: null, userErrors: check.errors };
    const organisation = this.em.create(Organisation, { name: name!, kind: input.kind, townId, schoolId, website });
    await this.em.flush();
    return { value: organisation, userErrors: [] };
  }

  // ------------------------------------------------------------------ contacts

  /** Any signed-in person; they become the contact's creator and see its details. */
  async createContact(input: CreateContactInput): Promise<Result<Contact>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const name = check.text(['name'], input.name, 200, true);
    const email = check.email(['email'], input.email);
    const phone = check.text(['phone'], input.phone, 40, false);
    if (phone !== null && !isPhone(phone)) {
      check.add(['phone'], UserErrorCode.INVALID_VALUE, 'phone must be digits (at least five) with spaces, "+", "-", "/", "." or parentheses.');
    }
    const organisationId = input.organisationId != null ? check.globalId(['organisationId'], input.organisationId, 'Organisation') : null;
    if (check.ok && organisationId !== null && !(await this.em.count(Organisation, { id: organisationId }))) {
      check.add(['organisationId'], UserErrorCode.NOT_FOUND, 'No organisation has this id.');
    }
    if (!check.ok) return { value: null, userErrors: check.errors };
    const contact = this.em.create(Contact, { name: name!, email, phone, organisationId, createdByUserId: this.viewer.userId });
    await this.em.flush();
    return { value: contact, userErrors: [] };
  }

  /** The rule for one contact, outside the batched field resolvers (which use the same rule through loaders). */
  private async canSeeDetails(contact: Contact): Promise<boolean> {
    if (this.viewer.isAdmin || (this.viewer.userId !== null && contact.createdByUserId === this.viewer.userId)) return true;
    const links = await this.em.find(ExchangeContact, { contactId: contact.id });
    if (!links.length) return false;
    const classes = await this.em.find(ExchangeClass, { exchangeId: { $in: [...new Set(links.map((l) => l.exchangeId))] } });
    return links.some((l) => this.access.canManage(classes.filter((c) => c.exchangeId === l.exchangeId)));
  }

  private target(check: InputChecker, input: { exchangeId?: string | null; twinLinkId?: string | null }): Target | null {
    if ((input.exchangeId == null) === (input.twinLinkId == null)) {
      check.add(['exchangeId'], UserErrorCode.REQUIRED, 'Give exactly one of exchangeId and twinLinkId.');
      return null;
    }
    if (input.exchangeId != null) {
      const id = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
      return id === null ? null : { exchangeId: id, twinLinkId: null };
    }
    const id = check.globalId(['twinLinkId'], input.twinLinkId!, 'TwinLink');
    return id === null ? null : { exchangeId: null, twinLinkId: id };
  }

  /** Admins, and coordinators of a school in either town of the link. */
  private async canManageSteeringGroup(link: TwinLink): Promise<boolean> {
    if (this.viewer.isAdmin) return true;
    if (!this.viewer.coordinatorOf.size) return false;
    return (await this.em.count(School, { id: { $in: [...this.viewer.coordinatorOf] }, townId: { $in: [link.townAId, link.townBId] } })) > 0;
  }

  /** The twin link, locked for the rest of the mutation's transaction so the steering-group cap holds. */
  private async lockedLink(check: InputChecker, id: number): Promise<TwinLink | null> {
    const link = await this.em.findOne(TwinLink, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!link) check.add(['twinLinkId'], UserErrorCode.NOT_FOUND, 'No twin link has this id.');
    else requireAllowed(this.viewer, await this.canManageSteeringGroup(link), 'change the steering group of this twinning');
    return link;
  }

  /** The contact and the exchange or twin link an attach or detach names; null once `check` holds why not. */
  private async contactAndTarget(
    check: InputChecker,
    input: { contactId: string; exchangeId?: string | null; twinLinkId?: string | null },
  ): Promise<{ contact: Contact; target: Target } | null> {
    const contactId = check.globalId(['contactId'], input.contactId, 'Contact');
    const target = this.target(check, input);
    if (!check.ok || target === null) return null;
    const contact = await this.em.findOne(Contact, { id: contactId! });
    if (!contact) {
      check.add(['contactId'], UserErrorCode.NOT_FOUND, 'No contact has this id.');
      return null;
    }
    return { contact, target };
  }

  async attach(input: AttachContactInput): Promise<Result<{ contact: Contact; target: Target }>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const named = await this.contactAndTarget(check, input);
    if (!named) return { value: null, userErrors: check.errors };
    const { contact, target } = named;
    requireAllowed(this.viewer, await this.canSeeDetails(contact), 'attach this contact: only its creator, admins and managers of an exchange it belongs to may');
    const role = input.role;

    if (target.exchangeId !== null) {
      const exchangeId = target.exchangeId;
      const duplicate = { field: ['role'], code: UserErrorCode.DUPLICATE, message: `${contact.name} already holds this role in the exchange.` };
      const options = { idField: ['exchangeId'], constraints: { exchange_contact_pkey: duplicate } };
      return changeExchange(this.em, this.actor, exchangeId, check, options, async ({ em, record }) => {
        if (await em.count(ExchangeContact, { exchangeId, contactId: contact.id, role })) {
          check.add(duplicate.field, duplicate.code, duplicate.message);
          return null;
        }
        if ((await em.count(ExchangeContact, { exchangeId })) >= MAX_CONTACTS) {
          check.add(['exchangeId'], UserErrorCode.TOO_MANY, `An exchange has at most ${MAX_CONTACTS} contact roles.`);
          return null;
        }
        em.create(ExchangeContact, { exchangeId, contactId: contact.id, role });
        await em.flush();
        record(ExchangeEventKind.CONTACTS_CHANGED, `${contact.name} joined as ${role}.`);
        return { contact, target };
      });
    }

    const link = await this.lockedLink(check, target.twinLinkId);
    if (link?.status === TwinLinkStatus.ENDED) check.add(['twinLinkId'], UserErrorCode.ALREADY_ENDED, 'The twinning has ended; its steering group is closed.');
    if (!check.ok) return { value: null, userErrors: check.errors };
    if (await this.em.count(TwinLinkContact, { twinLinkId: link!.id, contactId: contact.id, role })) {
      check.add(['role'], UserErrorCode.DUPLICATE, `${contact.name} already holds this role in the steering group.`);
    } else if ((await this.em.count(TwinLinkContact, { twinLinkId: link!.id })) >= MAX_CONTACTS) {
      check.add(['twinLinkId'], UserErrorCode.TOO_MANY, `A steering group has at most ${MAX_CONTACTS} members' roles.`);
    }
    if (!check.ok) return { value: null, userErrors: check.errors };
    this.em.create(TwinLinkContact, { twinLinkId: link!.id, contactId: contact.id, role });
    await this.em.flush();
    return { value: { contact, target }, userErrors: [] };
  }

  async detach(input: DetachContactInput): Promise<Result<{ contact: Contact; target: Target }>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const named = await this.contactAndTarget(check, input);
    if (!named) return { value: null, userErrors: check.errors };
    const { contact, target } = named;
    const which = input.role != null ? { role: input.role } : {};
    const notThere = (where: string) =>
      check.add(['contactId'], UserErrorCode.NOT_FOUND, `${contact.name} holds ${input.role ? `no ${input.role} role` : 'no role'} in the ${where}.`);

    if (target.exchangeId !== null) {
      const exchangeId = target.exchangeId;
      return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['exchangeId'] }, async ({ em, record }) => {
        const removed = await em.nativeDelete(ExchangeContact, { exchangeId, contactId: contact.id, ...which });
        if (!removed) {
          notThere('exchange');
          return null;
        }
        record(ExchangeEventKind.CONTACTS_CHANGED, `${contact.name} left${input.role ? ` the ${input.role} role` : ''}.`);
        return { contact, target };
      });
    }

    const link = await this.lockedLink(check, target.twinLinkId);
    if (!check.ok) return { value: null, userErrors: check.errors };
    if (!(await this.em.nativeDelete(TwinLinkContact, { twinLinkId: link!.id, contactId: contact.id, ...which }))) {
      notThere('steering group');
      return { value: null, userErrors: check.errors };
    }
    return { value: { contact, target }, userErrors: [] };
  }
}

/** Roles in the order the schema lists them, for stable lists. */
export const ROLE_ORDER: readonly ContactRole[] = Object.values(ContactRole);
