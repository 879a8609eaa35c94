import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars';
import { MutationPayload } from '../common/user-error';
import { Exchange } from './exchange.entity';
import { HostFamily, Participant } from './participant.entity';

@InputType({ description: 'A pupil joining an exchange. Pseudonymous by default: give an alias; a real name only if your school needs it.' })
export class AddParticipantInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => ID, { description: 'The pupil\'s class; a class of the exchange.' })
  classId!: string;

  @Field(() => String, { description: 'Pseudonym, up to 60 characters.' })
  alias!: string;

  @Field(() => String, { nullable: true, description: 'Real name, up to 200 characters (optional).' })
  fullName?: string | null;

  @Field(() => Int, { nullable: true, description: 'Age in years (3–25).' })
  age?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the pupil has special needs to plan for.' })
  specialNeeds?: boolean | null;

  @Field(() => String, { nullable: true, description: 'What to plan for, up to 2000 characters.' })
  needsNotes?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When parental consent was given (not in the future).' })
  parentalConsentOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When photo consent was given (not in the future).' })
  photoConsentOn?: string | null;

  @Field(() => ID, { nullable: true, description: 'The host family, if already assigned: a family of this exchange with a free place.' })
  hostFamilyId?: string | null;
}

@InputType({ description: 'Changes to a participant. Omitted fields stay as they are; null clears an optional one (hostFamilyId: null unassigns).' })
export class UpdateParticipantInput {
  @Field(() => ID, { description: 'The participant.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New pseudonym.' })
  alias?: string | null;

  @Field(() => String, { nullable: true, description: 'Real name; null clears it.' })
  fullName?: string | null;

  @Field(() => Int, { nullable: true, description: 'Age in years (3–25); null clears it.' })
  age?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Special needs; null clears it.' })
  specialNeeds?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Notes on needs; null clears them.' })
  needsNotes?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Parental consent date; null withdraws it.' })
  parentalConsentOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Photo consent date; null withdraws it.' })
  photoConsentOn?: string | null;

  @Field(() => ID, { nullable: true, description: 'Host family; null unassigns.' })
  hostFamilyId?: string | null;
}

@InputType({ description: 'Erases a participant\'s personal data.' })
export class EraseParticipantInput {
  @Field(() => ID, { description: 'The participant.' })
  id!: string;
}

@InputType({ description: 'A family hosting guest pupils.' })
export class AddHostFamilyInput {
  @Field(() => ID, { description: 'The exchange.' })
  exchangeId!: string;

  @Field(() => ID, { description: 'The school the family belongs to: a school of the exchange.' })
  schoolId!: string;

  @Field(() => String, { description: 'Family name, up to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Phone or e-mail, up to 320 characters.' })
  contact?: string | null;

  @Field(() => Int, { description: 'Guest pupils it can host (1–10).' })
  capacity!: number;

  @Field(() => [String], { nullable: true, description: 'Languages spoken at home, ISO 639-1 (at most 10).' })
  languages?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Allergies, pets and the like, up to 2000 characters.' })
  notes?: string | null;
}

@InputType({ description: 'Changes to a host family. Omitted fields stay as they are.' })
export class UpdateHostFamilyInput {
  @Field(() => ID, { description: 'The host family.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New contact; null clears it.' })
  contact?: string | null;

  @Field(() => Int, { nullable: true, description: 'New capacity (1–10); not below the pupils already assigned.' })
  capacity?: number | null;

  @Field(() => [String], { nullable: true, description: 'New languages (replacing the old ones).' })
  languages?: string[] | null;

  @Field(() => String, { nullable: true, description: 'New notes; null clears them.' })
  notes?: string | null;
}

@ObjectType({ description: 'Result of a participant mutation.' })
export class ParticipantPayload extends MutationPayload {
  @Field(() => Participant, { nullable: true, description: 'The participant; null when userErrors is not empty.' })
  participant?: Participant | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}

@ObjectType({ description: 'Result of a host-family mutation.' })
export class HostFamilyPayload extends MutationPayload {
  @Field(() => HostFamily, { nullable: true, description: 'The host family; null when userErrors is not empty.' })
  hostFamily?: HostFamily | null;

  @Field(() => Exchange, { nullable: true, description: 'The exchange, with its new version; null when userErrors is not empty.' })
  exchange?: Exchange | null;
}
