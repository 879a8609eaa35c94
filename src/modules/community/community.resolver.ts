import DataLoader from 'dataloader';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { perRequest } from '../../loaders';
import { ForbiddenError } from '../../lib/errors';
import { groupBy } from '../../lib/group-by';
import { connectionType } from '../common/connection';
import { PageArgs } from '../common/pagination';
import { accessToExchange } from '../exchange/exchange.access';
import { Exchange } from '../exchange/exchange.entity';
import { School } from '../school/school.entity';
import { Town } from '../town/town.entity';
import { TwinLink } from '../twin-link/twin-link.entity';
import { Contact, ExchangeContact, Organisation, TwinLinkContact } from './community.entity';
import {
  AttachContactInput,
  ContactAssignment,
  ContactAssignmentPayload,
  ContactPayload,
  CreateContactInput,
  CreateOrganisationInput,
  DetachContactInput,
  OrganisationFilter,
  OrganisationPayload,
} from './community.inputs';
import { CommunityService, MAX_CONTACTS, ROLE_ORDER } from './community.service';

export const OrganisationConnection = connectionType(Organisation, 'Organisation', 'organisations');

type CommunityLoaders = {
  exchangeContacts: DataLoader<number, ExchangeContact[]>;
  twinLinkContacts: DataLoader<number, TwinLinkContact[]>;
  contactExchanges: DataLoader<number, ExchangeContact[]>;
};

/** Rows grouped by a key column, one statement per batch, through ctx.em as it is at batch time. */
function grouped<T extends object>(ctx: Context, entity: new () => T, key: keyof T & string) {
  return new DataLoader<number, T[]>(async (ids) => {
    const rows = (await ctx.em.find(entity, { [key]: { $in: [...ids] } } as never)) as T[];
    const byKey = groupBy(rows, (row) => row[key] as unknown as number);
    return ids.map((id) => byKey.get(id) ?? []);
  });
}

/** This module's DataLoaders, one set per request (keyed by the request's loaders). */
const communityLoaders = perRequest(
  (ctx: Context): CommunityLoaders => ({
    exchangeContacts: grouped(ctx, ExchangeContact, 'exchangeId'),
    twinLinkContacts: grouped(ctx, TwinLinkContact, 'twinLinkId'),
    contactExchanges: grouped(ctx, ExchangeContact, 'contactId'),
  }),
);

/**
 * Whether the viewer may read a contact's e-mail and phone: admins, the
 * user who created the contact, and managers of an exchange the contact is
 * attached to (the same rule as CommunityService, batched through loaders).
 */
async function canSeeDetails(ctx: Context, contact: Contact): Promise<boolean> {
  const viewer = await ctx.viewer();
  if (viewer.isAdmin || (viewer.userId !== null && contact.createdByUserId === viewer.userId)) return true;
  const links = await communityLoaders(ctx).contactExchanges.load(contact.id);
  const access = await Promise.all(links.map((l) => accessToExchange(ctx.loaders, viewer, l.exchangeId)));
  return access.some((a) => a.manage);
}

/** Role by role (in the order ContactRole lists them), then by name. */
async function assignments(ctx: Context, rows: { contactId: number; role: ExchangeContact['role'] }[]): Promise<ContactAssignment[]> {
  const contacts = await Promise.all(rows.map((r) => ctx.loaders.contact.load(r.contactId)));
  return rows
    .map((r, i) => ({ role: r.role, contact: contacts[i]! }))
    .filter((a) => a.contact)
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.contact.name.localeCompare(b.contact.name) || a.contact.id - b.contact.id);
}

function service(ctx: Context, viewer: Awaited<ReturnType<Context['viewer']>>) {
  return new CommunityService(ctx.em, viewer, ctx.requestId);
}

const PRIVATE_DETAIL =
  'Private: null with a FORBIDDEN error unless you are an admin, created this contact, or coordinate a school of an exchange the contact is attached to. ' +
  'Being in a twinning\'s steering group does not make it visible.';

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => OrganisationConnection, { description: 'Organisations taking part in twinning life (public), by name A–Z.' })
  async organisations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => OrganisationFilter, { nullable: true, description: 'Conditions the organisations must meet.' }) filter: OrganisationFilter | null,
    @Ctx() ctx: Context,
  ) {
    return service(ctx, await ctx.viewer()).listOrganisations(page, filter);
  }

  @FieldResolver(() => Town, { nullable: true, description: 'The town it is based in; null if that town was removed.' })
  town(@Root() organisation: Organisation, @Ctx() ctx: Context) {
    return organisation.townId == null ? null : ctx.loaders.town.load(organisation.townId);
  }

  @FieldResolver(() => School, { nullable: true, description: 'The school it is, for kind SCHOOL when linked.' })
  school(@Root() organisation: Organisation, @Ctx() ctx: Context) {
    return organisation.schoolId == null ? null : ctx.loaders.school.load(organisation.schoolId);
  }

  @Mutation(() => OrganisationPayload, { description: 'Records an organisation (school, association, sports club, municipality …). Any signed-in person.' })
  async createOrganisation(
    @Arg('input', () => CreateOrganisationInput, { description: 'The organisation.' }) input: CreateOrganisationInput,
    @Ctx() ctx: Context,
  ): Promise<OrganisationPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).createOrganisation(input);
    return { organisation: value, userErrors };
  }
}

@Resolver(() => Contact)
export class ContactResolver {
  @FieldResolver(() => String, { nullable: true, description: `E-mail address. ${PRIVATE_DETAIL}` })
  async email(@Root() contact: Contact, @Ctx() ctx: Context) {
    if (!(await canSeeDetails(ctx, contact))) throw new ForbiddenError('This contact\'s e-mail is private.');
    return contact.email ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: `Phone number. ${PRIVATE_DETAIL}` })
  async phone(@Root() contact: Contact, @Ctx() ctx: Context) {
    if (!(await canSeeDetails(ctx, contact))) throw new ForbiddenError('This contact\'s phone number is private.');
    return contact.phone ?? null;
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The organisation the person belongs to, if any.' })
  organisation(@Root() contact: Contact, @Ctx() ctx: Context) {
    return contact.organisationId == null ? null : ctx.loaders.organisation.load(contact.organisationId);
  }

  @Mutation(() => ContactPayload, { description: 'Records a contact person. Any signed-in person; you will see the details you enter, others only the name.' })
  async createContact(@Arg('input', () => CreateContactInput, { description: 'The person.' }) input: CreateContactInput, @Ctx() ctx: Context): Promise<ContactPayload> {
    const { value, userErrors } = await service(ctx, await ctx.viewer()).createContact(input);
    return { contact: value, userErrors };
  }

  @Mutation(() => ContactAssignmentPayload, {
    description:
      'Gives a contact a role in an exchange (its managers; recorded on the timeline) or in a twinning\'s steering group (admins, or coordinators of a school in either town). ' +
      `You must be able to see the contact's details. At most ${MAX_CONTACTS} roles per exchange or steering group.`,
  })
  async attachContact(@Arg('input', () => AttachContactInput, { description: 'The contact, the role and where.' }) input: AttachContactInput, @Ctx() ctx: Context) {
    return payload(ctx, await service(ctx, await ctx.viewer()).attach(input));
  }

  @Mutation(() => ContactAssignmentPayload, { description: 'Takes a contact out of an exchange or a steering group (one role, or every role it holds there). The same people as attachContact.' })
  async detachContact(@Arg('input', () => DetachContactInput, { description: 'The contact and where.' }) input: DetachContactInput, @Ctx() ctx: Context) {
    return payload(ctx, await service(ctx, await ctx.viewer()).detach(input));
  }
}

async function payload(
  ctx: Context,
  { value, userErrors }: Awaited<ReturnType<CommunityService['attach']>>,
): Promise<ContactAssignmentPayload> {
  if (!value) return { contact: null, exchange: null, twinLink: null, userErrors };
  const { contact, target } = value;
  return {
    contact,
    exchange: target.exchangeId !== null ? await ctx.em.findOne(Exchange, { id: target.exchangeId }) : null,
    twinLink: target.twinLinkId !== null ? await ctx.em.findOne(TwinLink, { id: target.twinLinkId }) : null,
    userErrors,
  };
}

@Resolver(() => Exchange)
export class ExchangeContactsResolver {
  @FieldResolver(() => [ContactAssignment], {
    description: `People to contact about the exchange, with their roles (at most ${MAX_CONTACTS}), role by role, then by name. E-mail and phone follow Contact's rules.`,
  })
  async contacts(@Root() exchange: Exchange, @Ctx() ctx: Context) {
    return assignments(ctx, await communityLoaders(ctx).exchangeContacts.load(exchange.id));
  }
}

@Resolver(() => TwinLink)
export class SteeringGroupResolver {
  @FieldResolver(() => [ContactAssignment], {
    description: `The twinning's steering group (key 5): members with their roles (at most ${MAX_CONTACTS}), role by role, then by name. Public names; e-mail and phone follow Contact's rules.`,
  })
  async steeringGroup(@Root() link: TwinLink, @Ctx() ctx: Context) {
    return assignments(ctx, await communityLoaders(ctx).twinLinkContacts.load(link.id));
  }
}

export const communityResolvers = [OrganisationResolver, ContactResolver, ExchangeContactsResolver, SteeringGroupResolver] as const;
