import type { EntityManager } from '@mikro-orm/postgresql';
import { requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { registerRetentionPurger } from '../retention/retention';
import { childUnderLock, changeExchange, exchangeIdOf, ExchangeChangeService, type ChangeScope } from './exchange.change';
import { ExchangeEventKind } from './exchange.entity';
import { todayUtc } from '../../lib/dates';
import { HostFamily, Participant } from './participant.entity';
import type { AddHostFamilyInput, AddParticipantInput, UpdateHostFamilyInput, UpdateParticipantInput } from './participant.inputs';

const CAPACITY = { field: ['hostFamilyId'], code: UserErrorCode.CAPACITY_EXCEEDED, message: 'This host family is full.' };

/** The personal fields of a pupil: what erasure and retention null. */
const PARTICIPANT_PERSONAL_SQL = `alias = null, full_name = null, age = null, special_needs = null, needs_notes = null,
  parental_consent_on = null, photo_consent_on = null, host_family_id = null, erased_at = now()`;
const HOST_FAMILY_PERSONAL_SQL = `name = null, contact = null, notes = null, languages = '{}', erased_at = now()`;

function consentDate(check: InputChecker, field: string, value: string | null | undefined): void {
  if (value != null && value > todayUtc()) check.add([field], UserErrorCode.INVALID_DATE_RANGE, `${field} cannot be in the future.`);
}

/**
 * Pupils and host families of an exchange. Personal data about minors:
 * only coordinators of the schools involved (and admins) read or change it,
 * which changeExchange enforces; erasure keeps the rows so counts hold.
 */
export class ParticipantService extends ExchangeChangeService {

  /** A host family of this exchange, from another school than the pupil's, with a free place. */
  private async checkHostFamily({ em, exchange, classes, check }: ChangeScope, familyId: number, pupilClassId: number, participantId: number | null) {
    const family = await em.findOne(HostFamily, { id: familyId, exchangeId: exchange.id }, { refresh: true });
    if (!family) {
      check.add(['hostFamilyId'], UserErrorCode.NOT_IN_EXCHANGE, 'This host family does not belong to the exchange.');
      return;
    }
    const pupilSchool = classes.find((c) => c.classId === pupilClassId)?.schoolId;
    if (family.schoolId === pupilSchool) check.add(['hostFamilyId'], UserErrorCode.GUEST_IS_HOST, 'A pupil is hosted by a family of the other school.');
    const taken = await em.count(Participant, { hostFamilyId: familyId, ...(participantId ? { id: { $ne: participantId } } : {}) });
    if (taken >= family.capacity) check.add(['hostFamilyId'], UserErrorCode.CAPACITY_EXCEEDED, `This host family is full (${family.capacity}).`);
  }

  async add(input: AddParticipantInput): Promise<Result<Participant>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const classId = check.globalId(['classId'], input.classId, 'SchoolClass');
    const alias = check.text(['alias'], input.alias, 60, true);
    const fullName = check.text(['fullName'], input.fullName, 200, false);
    const needsNotes = check.text(['needsNotes'], input.needsNotes, 2000, false);
    const familyId = input.hostFamilyId != null ? check.globalId(['hostFamilyId'], input.hostFamilyId, 'HostFamily') : null;
    check.wholeNumber(['age'], input.age, 3, 25);
    consentDate(check, 'parentalConsentOn', input.parentalConsentOn);
    consentDate(check, 'photoConsentOn', input.photoConsentOn);
    const options = { idField: ['exchangeId'], constraints: { host_family_capacity: CAPACITY } };
    return changeExchange(this.em, this.actor, exchangeId, check, options, async (scope) => {
      const { em, classes, record } = scope;
      if (!classes.some((c) => c.classId === classId)) {
        check.add(['classId'], UserErrorCode.NOT_IN_EXCHANGE, 'This class is not in the exchange.');
        return null;
      }
      if (familyId !== null) await this.checkHostFamily(scope, familyId, classId!, null);
      if (!check.ok) return null;
      const participant = em.create(Participant, {
        exchangeId: exchangeId!,
        classId: classId!,
        alias,
        fullName,
        age: input.age ?? null,
        specialNeeds: input.specialNeeds ?? null,
        needsNotes,
        parentalConsentOn: input.parentalConsentOn ?? null,
        photoConsentOn: input.photoConsentOn ?? null,
        hostFamilyId: familyId,
      });
      await em.flush();
      // The timeline is readable by teachers: no personal data in it.
      record(ExchangeEventKind.PARTICIPANT_ADDED, `Participant #${participant.id} added.`);
      return participant;
    });
  }

  async update(input: UpdateParticipantInput): Promise<Result<Participant>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'Participant');
    const exchangeId = await exchangeIdOf(this.em, 'participant', id, check, ['id']);
    const changes: Partial<Participant> = {};
    if (input.alias != null) changes.alias = check.text(['alias'], input.alias, 60, true);
    if (input.fullName !== undefined) changes.fullName = check.text(['fullName'], input.fullName, 200, false);
    if (input.needsNotes !== undefined) changes.needsNotes = check.text(['needsNotes'], input.needsNotes, 2000, false);
    if (input.age !== undefined) {
      check.wholeNumber(['age'], input.age, 3, 25);
      changes.age = input.age;
    }
    if (input.specialNeeds !== undefined) changes.specialNeeds = input.specialNeeds;
    if (input.parentalConsentOn !== undefined) {
      consentDate(check, 'parentalConsentOn', input.parentalConsentOn);
      changes.parentalConsentOn = input.parentalConsentOn;
    }
    if (input.photoConsentOn !== undefined) {
      consentDate(check, 'photoConsentOn', input.photoConsentOn);
      changes.photoConsentOn = input.photoConsentOn;
    }
    if (input.hostFamilyId !== undefined) {
      changes.hostFamilyId = input.hostFamilyId === null ? null : check.globalId(['hostFamilyId'], input.hostFamilyId, 'HostFamily');
    }
    const options = { idField: ['id'], constraints: { host_family_capacity: CAPACITY } };
    return changeExchange(this.em, this.actor, exchangeId, check, options, async (scope) => {
      const { em, record } = scope;
      const participant = await childUnderLock(em, check, Participant, id!);
      if (!participant) return null;
      if (participant.erasedAt) {
        check.add(['id'], UserErrorCode.ALREADY_ERASED, 'This participant\'s data was erased; add the pupil again if needed.');
        return null;
      }
      if (changes.hostFamilyId != null && changes.hostFamilyId !== participant.hostFamilyId) {
        await this.checkHostFamily(scope, changes.hostFamilyId, participant.classId, participant.id);
      }
      if (!check.ok) return null;
      Object.assign(participant, changes);
      record(ExchangeEventKind.PARTICIPANT_CHANGED, `Participant #${participant.id} changed.`);
      return participant;
    });
  }

  /** Nulls every personal field, keeps the row (and so every count). */
  async erase(globalId: string): Promise<Result<Participant>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'Participant');
    const exchangeId = await exchangeIdOf(this.em, 'participant', id, check, ['id']);
    // Erasure is a right that outlives the exchange: allowed when it is closed too.
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['id'], allowClosed: true }, async ({ em, record }) => {
      const participant = await childUnderLock(em, check, Participant, id!);
      if (!participant) return null;
      if (participant.erasedAt) {
        check.add(['id'], UserErrorCode.ALREADY_ERASED, 'This participant\'s data was already erased.');
        return null;
      }
      await em.getConnection().execute(`update participant set ${PARTICIPANT_PERSONAL_SQL} where id = ?`, [participant.id], 'run', em.getTransactionContext());
      record(ExchangeEventKind.PARTICIPANT_ERASED, `Participant #${participant.id}: personal data erased.`);
      return em.findOneOrFail(Participant, { id: participant.id }, { refresh: true });
    });
  }

  async addHostFamily(input: AddHostFamilyInput): Promise<Result<HostFamily>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const exchangeId = check.globalId(['exchangeId'], input.exchangeId, 'Exchange');
    const schoolId = check.globalId(['schoolId'], input.schoolId, 'School');
    const name = check.text(['name'], input.name, 200, true);
    const contact = check.text(['contact'], input.contact, 320, false);
    const notes = check.text(['notes'], input.notes, 2000, false);
    const languages = check.languages(['languages'], input.languages ?? [], 10);
    check.wholeNumber(['capacity'], input.capacity, 1, 10);
    return changeExchange(this.em, this.actor, exchangeId, check, { idField: ['exchangeId'] }, async ({ em, classes, record }) => {
      if (!classes.some((c) => c.schoolId === schoolId)) {
        check.add(['schoolId'], UserErrorCode.NOT_IN_EXCHANGE, 'This school has no class in the exchange.');
        return null;
      }
      const family = em.create(HostFamily, { exchangeId: exchangeId!, schoolId: schoolId!, name, contact, capacity: input.capacity, languages, notes });
      await em.flush();
      record(ExchangeEventKind.HOST_FAMILY_ADDED, `Host family #${family.id} added (${input.capacity} places).`);
      return family;
    });
  }

  async updateHostFamily(input: UpdateHostFamilyInput): Promise<Result<HostFamily>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'HostFamily');
    const exchangeId = await exchangeIdOf(this.em, 'host_family', id, check, ['id']);
    const changes: Partial<HostFamily> = {};
    if (input.name != null) changes.name = check.text(['name'], input.name, 200, true);
    if (input.contact !== undefined) changes.contact = check.text(['contact'], input.contact, 320, false);
    if (input.notes !== undefined) changes.notes = check.text(['notes'], input.notes, 2000, false);
    if (input.languages != null) changes.languages = check.languages(['languages'], input.languages, 10);
    if (input.capacity != null) {
      check.wholeNumber(['capacity'], input.capacity, 1, 10);
      changes.capacity = input.capacity;
    }
    const options = { idField: ['id'], constraints: { host_family_capacity: { ...CAPACITY, field: ['capacity'], message: 'More pupils are assigned than this capacity.' } } };
    return changeExchange(this.em, this.actor, exchangeId, check, options, async ({ em, record }) => {
      const family = await childUnderLock(em, check, HostFamily, id!);
      if (!family) return null;
      if (family.erasedAt) {
        check.add(['id'], UserErrorCode.ALREADY_ERASED, 'This family\'s data was erased.');
        return null;
      }
      if (changes.capacity != null) {
        const taken = await em.count(Participant, { hostFamilyId: family.id });
        if (taken > changes.capacity) check.add(['capacity'], UserErrorCode.CAPACITY_EXCEEDED, `${taken} pupils are already assigned to this family.`);
      }
      if (!check.ok) return null;
      Object.assign(family, changes);
      await em.flush();
      record(ExchangeEventKind.HOST_FAMILY_CHANGED, `Host family #${family.id} changed.`);
      return family;
    });
  }
}

/**
 * Retention (src/modules/retention): RETENTION_MONTHS after an exchange
 * ended (COMPLETED or CANCELLED; its last visit's end, or its last change
 * when it had no visit), the personal data of its pupils and host families
 * is erased. Rows stay, so counts and budgets stay right.
 */
registerRetentionPurger({
  name: 'participants and host families',
  async purge(em, cutoff) {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    const ended = `select e.id from exchange e
      where e.status in ('COMPLETED', 'CANCELLED')
        and coalesce((select max(v.ends_on) from visit v where v.exchange_id = e.id), e.updated_at::date) < ?::date`;
    const day = cutoff.toISOString().slice(0, 10);
    const pupils = await conn.execute<{ id: number }[]>(
      `update participant set ${PARTICIPANT_PERSONAL_SQL} where erased_at is null and exchange_id in (${ended}) returning id`, [day], 'all', tx,
    );
    const families = await conn.execute<{ id: number }[]>(
      `update host_family set ${HOST_FAMILY_PERSONAL_SQL} where erased_at is null and exchange_id in (${ended}) returning id`, [day], 'all', tx,
    );
    return pupils.length + families.length;
  },
});
