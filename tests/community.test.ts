import {
  AttachContactDocument,
  ContactDetailsDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  CreateTwinLinkDocument,
  DetachContactDocument,
  EndTwinLinkDocument,
  ExchangeContactsDocument,
  OrganisationsDocument,
  SteeringGroupDocument,
  type AttachContactInput,
  type CreateContactInput,
  type CreateOrganisationInput,
} from '../schema/generated/graphql';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createExchange, makeCoordinator, makeTeacher, type PlannedExchange } from './fixtures/planned-exchanges';
import { createTestApi, createUserWithToken, expectData, expectErrorCode, type Executor, type TestApi } from './helpers/api';

let api: TestApi;
let towns: Record<TownName, string>;
let coordMalmo: Executor;
let coordKrakow: Executor;
let coordParis: Executor;
let teacherMalmo: Executor;
let someone: Executor;
let exchange: PlannedExchange;
let link: string;
const school: Record<string, string> = {};

async function createOrganisation(by: Executor, input: CreateOrganisationInput) {
  const res = expectData(await by.exec(CreateOrganisationDocument, { input }));
  expect(res.createOrganisation.userErrors).toEqual([]);
  return res.createOrganisation.organisation!;
}

async function createContact(by: Executor, input: CreateContactInput) {
  const res = expectData(await by.exec(CreateContactDocument, { input }));
  expect(res.createContact.userErrors).toEqual([]);
  return res.createContact.contact!;
}

async function attach(by: Executor, input: AttachContactInput) {
  const res = expectData(await by.exec(AttachContactDocument, { input }));
  expect(res.attachContact.userErrors).toEqual([]);
  return res.attachContact;
}

/** The contact's e-mail as this caller sees it: the value, or the error code that replaced it. */
async function emailAs(by: Executor, contactId: string): Promise<{ email: string | null } | { error: unknown }> {
  const res = await by.exec(ContactDetailsDocument, { id: contactId });
  const node = res.data!.node as { email: string | null } | null;
  expect(node).not.toBeNull();
  return res.errors?.length ? { error: res.errors.map((e) => [e.extensions!.code, e.path!.join('.')]) } : { email: node!.email };
}

const forbidden = { error: [['FORBIDDEN', 'node.email'], ['FORBIDDEN', 'node.phone']] };

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
  const cls: Record<string, string> = {};
  for (const [key, town] of [['malmo', towns['Malmö']], ['krakow', towns['Kraków']], ['paris', towns.Paris]] as const) {
    school[key] = (await createSchool(api, town)).id;
    cls[key] = (await createClass(api, school[key]!)).id;
  }
  coordMalmo = api.as((await makeCoordinator(api, 'Maja Malmö', school.malmo!)).token);
  coordKrakow = api.as((await makeCoordinator(api, 'Kasia Kraków', school.krakow!)).token);
  coordParis = api.as((await makeCoordinator(api, 'Pierre Paris', school.paris!)).token);
  teacherMalmo = api.as((await makeTeacher(api, 'Tove Teacher', cls.malmo!)).token);
  someone = api.as((await createUserWithToken(api.orm, 'Sam Someone')).token);
  exchange = await createExchange(coordMalmo, 'Baltic voices', cls.malmo!, [cls.krakow!]);
  const created = expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: towns['Malmö'], townBId: towns['Kraków'], since: 1991 } }));
  link = created.createTwinLink.twinLink!.id;
});
afterAll(() => api.close());

describe('organisations', () => {
  it('are recorded by any signed-in person, with a checked town, kind and website', async () => {
    const base = { name: 'Malmö Rowing Club', kind: 'SPORTS_CLUB' as const, townId: towns['Malmö'] };
    expectErrorCode(await api.exec(CreateOrganisationDocument, { input: base }), 'UNAUTHENTICATED');
    const club = await createOrganisation(someone, { ...base, website: 'https://rowing.example.se/' });
    expect(club).toMatchObject({ name: 'Malmö Rowing Club', kind: 'SPORTS_CLUB', website: 'https://rowing.example.se/', town: { name: 'Malmö' }, school: null });

    const refused: [Partial<CreateOrganisationInput>, string, string][] = [
      [{ name: '  ' }, 'REQUIRED', 'name'],
      [{ website: 'ftp://rowing.example.se' }, 'INVALID_URL', 'website'],
      [{ website: 'rowing club' }, 'INVALID_URL', 'website'],
      [{ townId: school.malmo! }, 'INVALID_ID', 'townId'],
      [{ schoolId: school.malmo! }, 'INVALID_VALUE', 'schoolId'],
    ];
    for (const [over, code, field] of refused) {
      const res = expectData(await someone.exec(CreateOrganisationDocument, { input: { ...base, ...over } }));
      expect(res.createOrganisation.organisation).toBeNull();
      expect(res.createOrganisation.userErrors.map((e) => [e.code, e.field])).toEqual([[code, ['input', field]]]);
    }
    const [{ n }] = await api.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organisation');
    expect(n).toBe(1);
  });

  it('speak for a school only when created by its coordinators or an admin', async () => {
    const input = { name: 'Malmö school', kind: 'SCHOOL' as const, townId: towns['Malmö'], schoolId: school.malmo! };
    expectErrorCode(await someone.exec(CreateOrganisationDocument, { input }), 'FORBIDDEN');
    expectErrorCode(await coordKrakow.exec(CreateOrganisationDocument, { input }), 'FORBIDDEN');
    const elsewhere = expectData(await coordMalmo.exec(CreateOrganisationDocument, { input: { ...input, townId: towns['Kraków'] } }));
    expect(elsewhere.createOrganisation.userErrors.map((e) => e.code)).toEqual(['INVALID_VALUE']);
    const linked = await createOrganisation(coordMalmo, input);
    expect(linked).toMatchObject({ kind: 'SCHOOL', school: { id: school.malmo }, town: { id: towns['Malmö'] } });
  });

  it('are listed publicly by name, filtered by town and kind, page by page', async () => {
    await createOrganisation(someone, { name: 'Amis de Cracovie', kind: 'ASSOCIATION', townId: towns['Malmö'] });
    await createOrganisation(someone, { name: 'Urząd Miasta Krakowa', kind: 'MUNICIPALITY', townId: towns['Kraków'] });
    const malmo = expectData(await api.exec(OrganisationsDocument, { filter: { townId: towns['Malmö'] } })).organisations;
    expect(malmo.totalCount).toBe(3);
    expect(malmo.edges.map((e) => e.node.name)).toEqual(['Amis de Cracovie', 'Malmö Rowing Club', 'Malmö school']);
    expect(malmo.edges.every((e) => e.node.town!.name === 'Malmö')).toBe(true);

    const clubsAndSchools = expectData(await api.exec(OrganisationsDocument, { filter: { townId: towns['Malmö'], kinds: ['SPORTS_CLUB', 'SCHOOL'] } }));
    expect(clubsAndSchools.organisations.edges.map((e) => e.node.kind)).toEqual(['SPORTS_CLUB', 'SCHOOL']);
    const municipalities = expectData(await api.exec(OrganisationsDocument, { filter: { kinds: ['MUNICIPALITY'] } }));
    expect(municipalities.organisations.edges.map((e) => e.node.name)).toEqual(['Urząd Miasta Krakowa']);

    const first = expectData(await api.exec(OrganisationsDocument, { first: 2 })).organisations;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = expectData(await api.exec(OrganisationsDocument, { first: 10, after: first.pageInfo.endCursor })).organisations;
    expect([...first.edges, ...rest.edges].map((e) => e.node.name)).toEqual(['Amis de Cracovie', 'Malmö Rowing Club', 'Malmö school', 'Urząd Miasta Krakowa']);
    expectErrorCode(await api.exec(OrganisationsDocument, { filter: { townId: 'nope' } }), 'BAD_USER_INPUT');
  });
});

describe('contacts', () => {
  it('check e-mail and phone, and show their details to their creator only until attached', async () => {
    const bad = expectData(await someone.exec(CreateContactDocument, { input: { name: 'Ola', email: 'ola@', phone: 'call me' } }));
    expect(bad.createContact.userErrors.map((e) => [e.code, e.field.join('.')])).toEqual([
      ['INVALID_EMAIL', 'input.email'],
      ['INVALID_VALUE', 'input.phone'],
    ]);
    const org = expectData(await api.exec(OrganisationsDocument, { filter: { kinds: ['SPORTS_CLUB'] } })).organisations.edges[0]!.node;
    const ola = await createContact(someone, { name: 'Ola Nordmann', email: 'ola@rowing.example.se', phone: '+46 40 123 45 67', organisationId: org.id });
    expect(ola).toMatchObject({ name: 'Ola Nordmann', email: 'ola@rowing.example.se', phone: '+46 40 123 45 67', organisation: { name: 'Malmö Rowing Club' } });

    expect(await emailAs(someone, ola.id)).toEqual({ email: 'ola@rowing.example.se' });
    expect(await emailAs(api.admin, ola.id)).toEqual({ email: 'ola@rowing.example.se' });
    for (const other of [api, coordMalmo, teacherMalmo]) expect(await emailAs(other, ola.id)).toEqual(forbidden);
    // The name and organisation are public.
    const pub = await api.exec(ContactDetailsDocument, { id: ola.id });
    expect(pub.data!.node).toMatchObject({ name: 'Ola Nordmann', email: null, phone: null, organisation: { name: 'Malmö Rowing Club', kind: 'SPORTS_CLUB' } });

    // Nobody can attach someone else's contact to reach its details.
    expectErrorCode(await coordMalmo.exec(AttachContactDocument, { input: { contactId: ola.id, role: 'ASSOCIATION', exchangeId: exchange.id } }), 'FORBIDDEN');
    const rows = await api.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from exchange_contact');
    expect(rows).toEqual([{ n: 0 }]);
  });
});

describe('contacts of an exchange', () => {
  it('are attached and detached by its managers, on the timeline, and open their details to the other managers', async () => {
    const maja = await createContact(coordMalmo, { name: 'Maja Lind', email: 'maja@school.example.se' });
    expect(await emailAs(coordKrakow, maja.id)).toEqual(forbidden);

    const attached = await attach(coordMalmo, { contactId: maja.id, role: 'COORDINATOR', exchangeId: exchange.id });
    expect(attached.exchange).toMatchObject({ version: exchange.version + 1, contacts: [{ role: 'COORDINATOR', contact: { id: maja.id, name: 'Maja Lind' } }] });
    exchange.version += 1;
    const also = await attach(coordMalmo, { contactId: maja.id, role: 'TEACHER', exchangeId: exchange.id });
    exchange.version += 1;
    expect(also.exchange!.contacts.map((c) => c.role)).toEqual(['COORDINATOR', 'TEACHER']);
    const again = expectData(await coordMalmo.exec(AttachContactDocument, { input: { contactId: maja.id, role: 'TEACHER', exchangeId: exchange.id } }));
    expect(again.attachContact.userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);

    // The partner school's coordinator manages the exchange too: now they see the details.
    expect(await emailAs(coordKrakow, maja.id)).toEqual({ email: 'maja@school.example.se' });
    // A teacher of the exchange sees who is involved, but not how to reach them; outsiders see nothing of the exchange.
    const asTeacher = await teacherMalmo.exec(ExchangeContactsDocument, { id: exchange.id });
    expect(asTeacher.data!.exchange!.contacts.map((c) => [c.role, c.contact.name, c.contact.email])).toEqual([
      ['COORDINATOR', 'Maja Lind', null],
      ['TEACHER', 'Maja Lind', null],
    ]);
    expect(asTeacher.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(expectData(await coordParis.exec(ExchangeContactsDocument, { id: exchange.id })).exchange).toBeNull();
    expect(await emailAs(coordParis, maja.id)).toEqual(forbidden);

    const asManager = expectData(await coordKrakow.exec(ExchangeContactsDocument, { id: exchange.id })).exchange!;
    expect(asManager.contacts[0]!.contact.email).toBe('maja@school.example.se');
    expect(asManager.timeline.edges.slice(0, 2).map((e) => [e.node.kind, e.node.summary])).toEqual([
      ['CONTACTS_CHANGED', 'Maja Lind joined as TEACHER.'],
      ['CONTACTS_CHANGED', 'Maja Lind joined as COORDINATOR.'],
    ]);

    const detached = expectData(await coordKrakow.exec(DetachContactDocument, { input: { contactId: maja.id, role: 'TEACHER', exchangeId: exchange.id } }));
    expect(detached.detachContact.userErrors).toEqual([]);
    expect(detached.detachContact.exchange!.contacts.map((c) => c.role)).toEqual(['COORDINATOR']);
    exchange.version += 1;
    const twice = expectData(await coordKrakow.exec(DetachContactDocument, { input: { contactId: maja.id, role: 'TEACHER', exchangeId: exchange.id } }));
    expect(twice.detachContact.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(expectData(await coordMalmo.exec(ExchangeContactsDocument, { id: exchange.id })).exchange!.version).toBe(exchange.version);
  });

  it('cannot be changed by people who do not manage the exchange, or without saying where', async () => {
    const tove = await createContact(teacherMalmo, { name: 'Tove Teacher', email: 'tove@school.example.se' });
    expectErrorCode(await teacherMalmo.exec(AttachContactDocument, { input: { contactId: tove.id, role: 'TEACHER', exchangeId: exchange.id } }), 'FORBIDDEN');
    const pierre = await createContact(coordParis, { name: 'Pierre Durand' });
    const outsider = expectData(await coordParis.exec(AttachContactDocument, { input: { contactId: pierre.id, role: 'TEACHER', exchangeId: exchange.id } }));
    expect(outsider.attachContact.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    for (const where of [{}, { exchangeId: exchange.id, twinLinkId: link }]) {
      const res = expectData(await coordParis.exec(AttachContactDocument, { input: { contactId: pierre.id, role: 'TEACHER', ...where } }));
      expect(res.attachContact.userErrors.map((e) => e.code)).toEqual(['REQUIRED']);
    }
    const contacts = expectData(await coordMalmo.exec(ExchangeContactsDocument, { id: exchange.id })).exchange!;
    expect(contacts.contacts.map((c) => c.contact.name)).toEqual(['Maja Lind']);
    expect(contacts.version).toBe(exchange.version);
  });
});

describe('steering group of a twinning', () => {
  it('is kept by admins and coordinators of schools in either town, is public by name, and opens no details', async () => {
    const maja = expectData(await coordMalmo.exec(ExchangeContactsDocument, { id: exchange.id })).exchange!.contacts[0]!.contact;
    const kasia = await createContact(coordKrakow, { name: 'Kasia Nowak', email: 'kasia@urzad.example.pl' });
    const pierre = await createContact(coordParis, { name: 'Pierre Durand', email: 'pierre@example.fr' });

    await attach(coordMalmo, { contactId: maja.id, role: 'COORDINATOR', twinLinkId: link });
    const res = await attach(coordKrakow, { contactId: kasia.id, role: 'MUNICIPAL_OFFICER', twinLinkId: link });
    expect(res.twinLink!.steeringGroup.map((m) => [m.role, m.contact.name])).toEqual([
      ['COORDINATOR', 'Maja Lind'],
      ['MUNICIPAL_OFFICER', 'Kasia Nowak'],
    ]);
    expectErrorCode(await coordParis.exec(AttachContactDocument, { input: { contactId: pierre.id, role: 'ASSOCIATION', twinLinkId: link } }), 'FORBIDDEN');
    expectErrorCode(await api.exec(AttachContactDocument, { input: { contactId: pierre.id, role: 'ASSOCIATION', twinLinkId: link } }), 'UNAUTHENTICATED');
    const dup = expectData(await coordKrakow.exec(AttachContactDocument, { input: { contactId: kasia.id, role: 'MUNICIPAL_OFFICER', twinLinkId: link } }));
    expect(dup.attachContact.userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);

    // Public names; e-mails only where the contact rules allow, never because of the steering group.
    const anonymous = await api.exec(SteeringGroupDocument, { id: link });
    expect(anonymous.data!.twinLink!.steeringGroup.map((m) => [m.contact.name, m.contact.email])).toEqual([
      ['Maja Lind', null],
      ['Kasia Nowak', null],
    ]);
    expect(anonymous.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    const asMalmo = await coordMalmo.exec(SteeringGroupDocument, { id: link });
    expect(asMalmo.data!.twinLink!.steeringGroup.map((m) => m.contact.email)).toEqual(['maja@school.example.se', null]);
    expect(asMalmo.errors!.map((e) => [e.extensions!.code, e.path!.join('.')])).toEqual([['FORBIDDEN', 'twinLink.steeringGroup.1.contact.email']]);

    const out = expectData(await coordMalmo.exec(DetachContactDocument, { input: { contactId: kasia.id, twinLinkId: link } }));
    expect(out.detachContact.userErrors).toEqual([]);
    expect(out.detachContact.twinLink!.steeringGroup.map((m) => m.contact.name)).toEqual(['Maja Lind']);
    const gone = expectData(await coordMalmo.exec(DetachContactDocument, { input: { contactId: kasia.id, twinLinkId: link } }));
    expect(gone.detachContact.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('closes when the twinning ends', async () => {
    const ended = expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: towns.Paris, townBId: towns.Lyon } })).createTwinLink.twinLink!.id;
    expect(expectData(await api.admin.exec(EndTwinLinkDocument, { input: { id: ended } })).endTwinLink.userErrors).toEqual([]);
    const contact = await createContact(coordParis, { name: 'Claire Martin' });
    const res = expectData(await coordParis.exec(AttachContactDocument, { input: { contactId: contact.id, role: 'ASSOCIATION', twinLinkId: ended } }));
    expect(res.attachContact.userErrors.map((e) => e.code)).toEqual(['ALREADY_ENDED']);
    expect(expectData(await api.exec(SteeringGroupDocument, { id: ended })).twinLink!.steeringGroup).toEqual([]);
  });
});
