import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars';
import { MutationPayload } from '../common/user-error';
import { TwinLink, TwinLinkKind, TwinLinkStatus } from './twin-link.entity';

@InputType({ description: 'Filters for twin links; all given conditions must hold.' })
export class TwinLinkFilter {
  @Field(() => String, { nullable: true, description: 'Only links with a town in this country (ISO 3166-1 alpha-2).' })
  country?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only links of this town (global id).' })
  townId?: string | null;

  @Field(() => [TwinLinkStatus], { nullable: true, description: 'Only links with one of these statuses. Default: all.' })
  statuses?: TwinLinkStatus[] | null;
}

@InputType({ description: 'A new twin link between two towns.' })
export class CreateTwinLinkInput {
  @Field(() => ID, { description: 'One town (global id).' })
  townAId!: string;

  @Field(() => ID, { description: 'The other town (global id); must differ from townAId.' })
  townBId!: string;

  @Field(() => Int, { nullable: true, description: 'Year the link was made (800 to next year), when known.' })
  since?: number | null;

  @Field(() => TwinLinkKind, { defaultValue: TwinLinkKind.TWINNING, description: 'How formal the link is.' })
  kind: TwinLinkKind = TwinLinkKind.TWINNING;
}

@InputType({ description: 'Ends a twin link; it stays on record with status ENDED.' })
export class EndTwinLinkInput {
  @Field(() => ID, { description: 'The link (global id).' })
  id!: string;

  @Field(() => DateScalar, { nullable: true, description: 'Date it ended; default today. Not in the future.' })
  endedOn?: string | null;
}

@ObjectType({ description: 'Result of createTwinLink.' })
export class CreateTwinLinkPayload extends MutationPayload {
  @Field(() => TwinLink, { nullable: true, description: 'The new link; null when userErrors is not empty.' })
  twinLink?: TwinLink | null;
}

@ObjectType({ description: 'Result of endTwinLink.' })
export class EndTwinLinkPayload extends MutationPayload {
  @Field(() => TwinLink, { nullable: true, description: 'The ended link; null when userErrors is not empty.' })
  twinLink?: TwinLink | null;
}
