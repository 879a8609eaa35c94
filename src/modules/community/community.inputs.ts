import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MutationPayload } from '../common/user-error';
import { Exchange } from '../exchange/exchange.entity';
import { TwinLink } from '../twin-link/twin-link.entity';
import { Contact, ContactRole, Organisation, OrganisationKind } from './community.entity';

@InputType({ description: 'Filters for organisations. All given conditions must hold.' })
export class OrganisationFilter {
  @Field(() => ID, { nullable: true, description: 'Only organisations in this town.' })
  townId?: string | null;

  @Field(() => [OrganisationKind], { nullable: true, description: 'Only organisations of these kinds.' })
  kinds?: OrganisationKind[] | null;
}

@InputType({ description: 'A new organisation taking part in twinning life (key 2: engage the whole community).' })
export class CreateOrganisationInput {
  @Field(() => String, { description: 'Name, up to 200 characters.' })
  name!: string;

  @Field(() => OrganisationKind, { description: 'What kind of body it is.' })
  kind!: OrganisationKind;

  @Field(() => ID, { description: 'The town it is based in.' })
  townId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The school it is, for kind SCHOOL only: a school in the same town, which you coordinate (or you are an admin).',
  })
  schoolId?: string | null;

  @Field(() => String, { nullable: true, description: 'Website: an absolute http(s) URL, up to 500 characters.' })
  website?: string | null;
}

@InputType({ description: 'A new contact person. The name is public; e-mail and phone are private.' })
export class CreateContactInput {
  @Field(() => String, { description: 'Full name, up to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'E-mail address, up to 320 characters.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number, up to 40 characters: digits with spaces, "+", "-", "/", "." or parentheses, e.g. "+46 40 123 45 67".' })
  phone?: string | null;

  @Field(() => ID, { nullable: true, description: 'The organisation the person belongs to.' })
  organisationId?: string | null;
}

@InputType({ description: 'Gives a contact a role in an exchange or in a twinning\'s steering group. Give exactly one of exchangeId and twinLinkId.' })
export class AttachContactInput {
  @Field(() => ID, { description: 'The contact: one you created, or one attached to an exchange you manage (admins: any).' })
  contactId!: string;

  @Field(() => ContactRole, { description: 'The role. A contact may hold several roles in one place.' })
  role!: ContactRole;

  @Field(() => ID, { nullable: true, description: 'The exchange (you must manage it; not once COMPLETED or CANCELLED).' })
  exchangeId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The twin link whose steering group the contact joins (admins, or coordinators of a school in either of its towns; not once ENDED).',
  })
  twinLinkId?: string | null;
}

@InputType({ description: 'Takes a contact out of an exchange or a twinning\'s steering group. Give exactly one of exchangeId and twinLinkId.' })
export class DetachContactInput {
  @Field(() => ID, { description: 'The contact.' })
  contactId!: string;

  @Field(() => ContactRole, { nullable: true, description: 'Only this role; omitted: every role the contact holds there.' })
  role?: ContactRole | null;

  @Field(() => ID, { nullable: true, description: 'The exchange.' })
  exchangeId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The twin link.' })
  twinLinkId?: string | null;
}

@ObjectType({ description: 'A contact with the role they hold in an exchange or a steering group.' })
export class ContactAssignment {
  @Field(() => ContactRole, { description: 'The role.' })
  role!: ContactRole;

  @Field(() => Contact, { description: 'The person.' })
  contact!: Contact;
}

@ObjectType({ description: 'Result of createOrganisation.' })
export class OrganisationPayload extends MutationPayload {
  @Field(() => Organisation, { nullable: true, description: 'The new organisation; null when userErrors is not empty.' })
  organisation?: Organisation | null;
}

@ObjectType({ description: 'Result of createContact.' })
export class ContactPayload extends MutationPayload {
  @Field(() => Contact, { nullable: true, description: 'The new contact; null when userErrors is not empty.' })
  contact?: Contact | null;
}

@ObjectType({ description: 'Result of attachContact and detachContact.' })
export class ContactAssignmentPayload extends MutationPayload {
  @Field(() => Contact, { nullable: true, description: 'The contact; null when userErrors is not empty.' })
  contact?: Contact | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version, when the change was to an exchange.' })
  exchange?: Exchange | null;

  @Field(() => TwinLink, { nullable: true, description: 'The twin link, when the change was to a steering group.' })
  twinLink?: TwinLink | null;
}
