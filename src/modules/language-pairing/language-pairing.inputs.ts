import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MutationPayload } from '../common/user-error';
import { PairingMode } from '../school-class/school-class.entity';
import { LanguagePairing, PairingStatus } from './language-pairing.entity';

@InputType({ description: 'Filters for language pairings.' })
export class LanguagePairingFilter {
  @Field(() => ID, { nullable: true, description: 'Only pairings of this class (either side).' })
  classId?: string | null;

  @Field(() => [PairingStatus], { nullable: true, description: 'Only pairings in these statuses.' })
  statuses?: PairingStatus[] | null;
}

@InputType({ description: 'A proposal from your class (A) to a partner class (B).' })
export class ProposePairingInput {
  @Field(() => ID, { description: 'Your class (A), which you teach or whose school you coordinate.' })
  classId!: string;

  @Field(() => ID, { description: 'The partner class (B); it must be looking for partners.' })
  partnerClassId!: string;

  @Field(() => String, { description: 'Language A offers (is taught in) and B learns, ISO 639-1.' })
  languageA!: string;

  @Field(() => String, { nullable: true, description: 'Language B offers and A learns, ISO 639-1. Omit only with allowOneWay.' })
  languageB?: string | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Allow a one-way pairing (no languageB); it is marked unbalanced.' })
  allowOneWay: boolean = false;

  @Field(() => PairingMode, { description: 'How the classes would work together; both must be open to it.' })
  mode!: PairingMode;

  @Field(() => String, { nullable: true, description: 'A message to the partner class (at most 2000 characters).' })
  message?: string | null;

  @Field(() => ID, { nullable: true, description: 'An eTwinning project the pairing belongs to.' })
  eTwinningProjectId?: string | null;
}

@InputType({ description: 'Class B\'s answer to a proposal.' })
export class RespondToPairingInput {
  @Field(() => ID, { description: 'The pairing.' })
  id!: string;

  @Field(() => Boolean, { description: 'true: ACCEPTED; false: DECLINED.' })
  accept!: boolean;

  @Field(() => String, { nullable: true, description: 'A message back (at most 2000 characters).' })
  message?: string | null;
}

@InputType({ description: 'Moves a pairing on: ACCEPTED → ACTIVE → ENDED (either class), or PROPOSED → DECLINED (class A withdraws).' })
export class TransitionPairingInput {
  @Field(() => ID, { description: 'The pairing.' })
  id!: string;

  @Field(() => PairingStatus, { description: 'The new status.' })
  to!: PairingStatus;
}

@ObjectType({ description: 'Result of a pairing mutation.' })
export class PairingPayload extends MutationPayload {
  @Field(() => LanguagePairing, { nullable: true, description: 'The pairing; null when userErrors is not empty.' })
  pairing?: LanguagePairing | null;
}
