import DataLoader from 'dataloader';
import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { perRequest } from '../../loaders';
import { ForbiddenError } from '../../lib/errors';
import { idsInSql } from '../../lib/sql';
import { connectionType } from '../common/connection';
import { PageArgs, SortDirection, type Ordering } from '../common/pagination';
import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { accessToExchange } from './exchange.access';
import { exchangeOf } from './exchange.payload';
import { Exchange } from './exchange.entity';
import { childPages } from './exchange.service';
import { HostFamily, Participant } from './participant.entity';
import {
  AddHostFamilyInput,
  AddParticipantInput,
  EraseParticipantInput,
  HostFamilyPayload,
  ParticipantPayload,
  UpdateHostFamilyInput,
  UpdateParticipantInput,
} from './participant.inputs';
import { ParticipantService } from './participant.service';

export const ParticipantConnection = connectionType(Participant, 'Participant', 'participants');
export const HostFamilyConnection = connectionType(HostFamily, 'HostFamily', 'host families');

const BY_ID: Ordering = { key: 'ID:ASC', column: { sql: 't.id', type: 'number' }, direction: SortDirection.ASC };

/** Registered pupils per exchange (erased ones included), one statement per batch, cached per request. */
const participantCountLoader = perRequest(
  (ctx: Context) =>
    new DataLoader<number, number>(async (ids) => {
      const rows = await ctx.em.getConnection().execute<{ exchange_id: number; n: number }[]>(
        `select exchange_id, count(*)::int as n from participant where ${idsInSql('exchange_id', ids)} group by exchange_id`,
      );
      const byId = new Map(rows.map((r) => [Number(r.exchange_id), Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
);

async function requireManage(ctx: Context, exchangeId: number, what: string): Promise<void> {
  if (!(await accessToExchange(ctx.loaders, await ctx.viewer(), exchangeId)).manage) {
    throw new ForbiddenError(`Only coordinators of the schools involved, and admins, see ${what}.`);
  }
}

@Resolver(() => Exchange)
export class ExchangeParticipantsResolver {
  @FieldResolver(() => Int, { description: 'Pupils registered as participants, erased ones included.' })
  participantCount(@Root() exchange: Exchange, @Ctx() ctx: Context) {
    return participantCountLoader(ctx).load(exchange.id);
  }

  @FieldResolver(() => ParticipantConnection, {
    nullable: true,
    description: 'The pupils, in the order they were added. Personal data: null with a FORBIDDEN error unless you coordinate a school of the exchange or are an admin.',
  })
  async participants(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    await requireManage(ctx, exchange.id, 'participants');
    return ctx.loaders.nested('Exchange.participants', exchange.id, page, (ids, args) =>
      childPages<Participant>(ctx.em, Participant, 'participant', 'exchange_id', ids, BY_ID, args),
    );
  }

  @FieldResolver(() => HostFamilyConnection, {
    nullable: true,
    description: 'The host families. Personal data: null with a FORBIDDEN error unless you coordinate a school of the exchange or are an admin.',
  })
  async hostFamilies(@Root() exchange: Exchange, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    await requireManage(ctx, exchange.id, 'host families');
    return ctx.loaders.nested('Exchange.hostFamilies', exchange.id, page, (ids, args) =>
      childPages<HostFamily>(ctx.em, HostFamily, 'host_family', 'exchange_id', ids, BY_ID, args),
    );
  }

  @Mutation(() => ParticipantPayload, { description: 'Adds a pupil to an exchange (coordinators of a school of the exchange, admins).' })
  async addParticipant(@Arg('input', () => AddParticipantInput, { description: 'The pupil.' }) input: AddParticipantInput, @Ctx() ctx: Context): Promise<ParticipantPayload> {
    const { value, userErrors } = await new ParticipantService(ctx.em, await ctx.viewer(), ctx.requestId).add(input);
    return { participant: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => ParticipantPayload, { description: 'Changes a pupil\'s data, consents or host family.' })
  async updateParticipant(@Arg('input', () => UpdateParticipantInput, { description: 'The changes.' }) input: UpdateParticipantInput, @Ctx() ctx: Context): Promise<ParticipantPayload> {
    const { value, userErrors } = await new ParticipantService(ctx.em, await ctx.viewer(), ctx.requestId).update(input);
    return { participant: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => ParticipantPayload, {
    description: 'Erases a pupil\'s personal data for good (alias, name, age, needs, consents). The participant stays counted; works on closed exchanges too.',
  })
  async eraseParticipant(@Arg('input', () => EraseParticipantInput, { description: 'The participant.' }) input: EraseParticipantInput, @Ctx() ctx: Context): Promise<ParticipantPayload> {
    const { value, userErrors } = await new ParticipantService(ctx.em, await ctx.viewer(), ctx.requestId).erase(input.id);
    return { participant: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => HostFamilyPayload, { description: 'Adds a host family of a school of the exchange.' })
  async addHostFamily(@Arg('input', () => AddHostFamilyInput, { description: 'The family.' }) input: AddHostFamilyInput, @Ctx() ctx: Context): Promise<HostFamilyPayload> {
    const { value, userErrors } = await new ParticipantService(ctx.em, await ctx.viewer(), ctx.requestId).addHostFamily(input);
    return { hostFamily: value, exchange: await exchangeOf(ctx, value), userErrors };
  }

  @Mutation(() => HostFamilyPayload, { description: 'Changes a host family.' })
  async updateHostFamily(@Arg('input', () => UpdateHostFamilyInput, { description: 'The changes.' }) input: UpdateHostFamilyInput, @Ctx() ctx: Context): Promise<HostFamilyPayload> {
    const { value, userErrors } = await new ParticipantService(ctx.em, await ctx.viewer(), ctx.requestId).updateHostFamily(input);
    return { hostFamily: value, exchange: await exchangeOf(ctx, value), userErrors };
  }
}

/** Participants and host families are only ever reachable by people who may manage their exchange. */
@Resolver(() => Participant)
export class ParticipantResolver {
  @FieldResolver(() => SchoolClass, { nullable: true, description: 'The pupil\'s class.' })
  schoolClass(@Root() participant: Participant, @Ctx() ctx: Context) {
    return ctx.loaders.schoolClass.load(participant.classId);
  }

  @FieldResolver(() => HostFamily, { nullable: true, description: 'The family hosting the pupil, if assigned.' })
  hostFamily(@Root() participant: Participant, @Ctx() ctx: Context) {
    return participant.hostFamilyId == null ? null : ctx.loaders.hostFamily.load(participant.hostFamilyId);
  }
}

@Resolver(() => HostFamily)
export class HostFamilyResolver {
  @FieldResolver(() => School, { nullable: true, description: 'The school the family belongs to.' })
  school(@Root() family: HostFamily, @Ctx() ctx: Context) {
    return ctx.loaders.school.load(family.schoolId);
  }
}

export const participantResolvers = [ExchangeParticipantsResolver, ParticipantResolver, HostFamilyResolver] as const;
