import { Migration } from '@mikro-orm/migrations';

const THEMES = `'ENVIRONMENT', 'FUTURE_OF_EUROPE', 'HUMAN_RIGHTS', 'PEACE', 'SOCIAL_INCLUSION', 'SPORT', 'CULTURE', 'LANGUAGE_LEARNING', 'DIGITAL', 'OTHER'`;
const STATUSES = `'DRAFT', 'PROPOSED', 'AGREED', 'PLANNED', 'ONGOING', 'EVALUATING', 'COMPLETED', 'CANCELLED'`;
const CURRENCY = (column: string) => `check ("${column}" ~ '^[A-Z]{3}$')`;

/**
 * Pupil exchanges (issue 5): the exchange and its classes, visits and their
 * guest classes, participants and host families, goals and evaluations,
 * budget lines and funding, organisations and contact people (of exchanges
 * and of twin links), and the timeline. The rules that must hold whatever
 * the application does live here: amounts, dates, one initiator, no
 * overlapping visits of one guest class, host-family capacity.
 */
export class Migration20261127000006_exchanges extends Migration {
  override async up(): Promise<void> {
    // Lets exchange_class point at (class, school) so the school it records is always the class's.
    this.addSql(`create unique index "school_class_id_school_uniq" on "school_class" ("id", "school_id");`);

    this.addSql(`
      create table "exchange" (
        "id" serial primary key,
        "title" varchar(200) not null check (length(btrim("title")) > 0),
        "description" varchar(4000) null,
        "themes" text[] not null default '{}' check ("themes" <@ array[${THEMES}]::text[]),
        "european_dimension" varchar(4000) null,
        "etwinning_project_id" integer null references "etwinning_project" ("id") on delete set null,
        "follows_up_exchange_id" integer null references "exchange" ("id") on delete set null,
        "status" varchar(20) not null default 'DRAFT' check ("status" in (${STATUSES})),
        "cancel_reason" varchar(2000) null,
        "version" integer not null default 1 check ("version" > 0),
        "created_by_user_id" integer null references "app_user" ("id") on delete set null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now(),
        check ("follows_up_exchange_id" is null or "follows_up_exchange_id" <> "id"),
        check (("status" = 'CANCELLED') = ("cancel_reason" is not null))
      );`);
    this.addSql(`create index "exchange_status_idx" on "exchange" ("status", "id");`);
    this.addSql(`create index "exchange_themes_idx" on "exchange" using gin ("themes");`);
    this.addSql(`create index "exchange_follows_up_idx" on "exchange" ("follows_up_exchange_id");`);
    this.addSql(`create index "exchange_etwinning_idx" on "exchange" ("etwinning_project_id");`);

    this.addSql(`
      create table "exchange_class" (
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "class_id" integer not null,
        "school_id" integer not null,
        "role" varchar(20) not null check ("role" in ('INITIATOR', 'PARTNER')),
        primary key ("exchange_id", "class_id"),
        foreign key ("class_id", "school_id") references "school_class" ("id", "school_id") on update cascade on delete restrict
      );`);
    this.addSql(`create unique index "exchange_class_one_initiator" on "exchange_class" ("exchange_id") where "role" = 'INITIATOR';`);
    this.addSql(`create index "exchange_class_class_idx" on "exchange_class" ("class_id", "exchange_id");`);
    this.addSql(`create index "exchange_class_school_idx" on "exchange_class" ("school_id", "exchange_id");`);

    this.addSql(`
      create table "visit" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "host_school_id" integer not null references "school" ("id") on delete restrict,
        "starts_on" date not null,
        "ends_on" date not null,
        "participant_count" smallint not null check ("participant_count" between 0 and 500),
        "accompanying_teacher_count" smallint not null check ("accompanying_teacher_count" between 0 and 100),
        "transport_mode" varchar(20) not null check ("transport_mode" in ('TRAIN', 'BUS', 'CAR_SHARE', 'BIKE', 'FERRY', 'PLANE', 'CAR', 'OTHER')),
        "green_travel" boolean not null,
        "accommodation" varchar(20) not null check ("accommodation" in ('HOST_FAMILIES', 'HOSTEL', 'HOTEL', 'OTHER')),
        "notes" varchar(2000) null,
        "created_at" timestamptz not null default now(),
        check ("ends_on" >= "starts_on"),
        check ("ends_on" - "starts_on" < 60),
        check (not ("green_travel" and "transport_mode" in ('PLANE', 'CAR')))
      );`);
    this.addSql(`create index "visit_exchange_idx" on "visit" ("exchange_id", "starts_on", "id");`);
    this.addSql(`create index "visit_dates_idx" on "visit" ("starts_on", "ends_on");`);
    this.addSql(`create index "visit_host_school_idx" on "visit" ("host_school_id");`);

    // The guest classes of a visit carry the visit's dates (kept by triggers)
    // so the database itself refuses two overlapping visits of one class.
    this.addSql(`
      create table "visit_guest_class" (
        "visit_id" integer not null references "visit" ("id") on delete cascade,
        "class_id" integer not null references "school_class" ("id") on delete restrict,
        "starts_on" date not null,
        "ends_on" date not null,
        primary key ("visit_id", "class_id"),
        constraint "visit_guest_class_no_overlap" exclude using gist (
          int4range("class_id", "class_id", '[]') with =,
          daterange("starts_on", "ends_on", '[]') with &&
        )
      );`);
    this.addSql(`create index "visit_guest_class_class_idx" on "visit_guest_class" ("class_id");`);
    this.addSql(`
      create function "visit_guest_class_dates"() returns trigger language plpgsql as $$
      begin
        select v.starts_on, v.ends_on into new.starts_on, new.ends_on from visit v where v.id = new.visit_id;
        return new;
      end $$;`);
    this.addSql(`
      create trigger "visit_guest_class_dates" before insert or update on "visit_guest_class"
      for each row execute function "visit_guest_class_dates"();`);
    this.addSql(`
      create function "visit_dates_to_guests"() returns trigger language plpgsql as $$
      begin
        update visit_guest_class set starts_on = new.starts_on, ends_on = new.ends_on where visit_id = new.id;
        return null;
      end $$;`);
    this.addSql(`
      create trigger "visit_dates_to_guests" after update of "starts_on", "ends_on" on "visit"
      for each row execute function "visit_dates_to_guests"();`);

    this.addSql(`
      create table "host_family" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "school_id" integer not null references "school" ("id") on delete restrict,
        "name" varchar(200) null,
        "contact" varchar(320) null,
        "capacity" smallint not null check ("capacity" between 1 and 10),
        "languages" text[] not null default '{}',
        "notes" varchar(2000) null,
        "erased_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        check ("erased_at" is not null or length(btrim(coalesce("name", ''))) > 0)
      );`);
    this.addSql(`create index "host_family_exchange_idx" on "host_family" ("exchange_id", "id");`);

    this.addSql(`
      create table "participant" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "class_id" integer not null references "school_class" ("id") on delete restrict,
        "alias" varchar(60) null,
        "full_name" varchar(200) null,
        "age" smallint null check ("age" between 3 and 25),
        "special_needs" boolean null,
        "needs_notes" varchar(2000) null,
        "parental_consent_on" date null,
        "photo_consent_on" date null,
        "host_family_id" integer null references "host_family" ("id") on delete set null,
        "erased_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        check ("erased_at" is not null or length(btrim(coalesce("alias", ''))) > 0),
        check ("erased_at" is null or ("alias" is null and "full_name" is null and "age" is null and "special_needs" is null
          and "needs_notes" is null and "parental_consent_on" is null and "photo_consent_on" is null))
      );`);
    this.addSql(`create index "participant_exchange_idx" on "participant" ("exchange_id", "id");`);
    this.addSql(`create index "participant_host_family_idx" on "participant" ("host_family_id");`);
    // Capacity holds under concurrency: the family row is locked while counting.
    this.addSql(`
      create function "host_family_capacity"() returns trigger language plpgsql as $$
      declare
        fam int;
        cap int;
        taken int;
      begin
        if tg_table_name = 'participant' then
          fam := new.host_family_id;
          if fam is null then return new; end if;
          select capacity into cap from host_family where id = fam for update;
        else
          fam := new.id;
          cap := new.capacity;
        end if;
        select count(*) into taken from participant where host_family_id = fam
          and (tg_table_name <> 'participant' or id <> new.id);
        if tg_table_name = 'participant' then taken := taken + 1; end if;
        if taken > cap then
          raise exception 'host_family_capacity: host family % is full (capacity %)', fam, cap
            using errcode = '23514', constraint = 'host_family_capacity';
        end if;
        return new;
      end $$;`);
    this.addSql(`
      create trigger "participant_host_family_capacity" before insert or update of "host_family_id" on "participant"
      for each row execute function "host_family_capacity"();`);
    this.addSql(`
      create trigger "host_family_capacity" before update of "capacity" on "host_family"
      for each row execute function "host_family_capacity"();`);

    this.addSql(`
      create table "goal" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "description" varchar(2000) not null check (length(btrim("description")) > 0),
        "indicator" varchar(500) null,
        "target" varchar(500) null,
        "evaluation_on" date null,
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "goal_exchange_idx" on "goal" ("exchange_id", "id");`);

    this.addSql(`
      create table "evaluation" (
        "id" serial primary key,
        "goal_id" integer not null references "goal" ("id") on delete cascade,
        "evaluated_on" date not null,
        "outcome" smallint not null check ("outcome" between 1 and 5),
        "notes" varchar(4000) null,
        "by_user_id" integer null references "app_user" ("id") on delete set null,
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "evaluation_goal_idx" on "evaluation" ("goal_id", "id");`);

    this.addSql(`
      create table "budget_line" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "category" varchar(30) not null check ("category" in ('TRAVEL', 'ACCOMMODATION', 'ACTIVITIES', 'ORGANISATIONAL', 'INCLUSION_SUPPORT', 'OTHER')),
        "description" varchar(500) not null check (length(btrim("description")) > 0),
        "amount_minor" integer not null check ("amount_minor" >= 0),
        "currency" char(3) not null ${CURRENCY('currency')},
        "basis" varchar(20) not null check ("basis" in ('TOTAL', 'PER_PARTICIPANT')),
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "budget_line_exchange_idx" on "budget_line" ("exchange_id", "id");`);

    this.addSql(`
      create table "funding_source" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "kind" varchar(30) not null check ("kind" in ('ERASMUS_PLUS', 'CERV_TOWN_TWINNING', 'MUNICIPALITY', 'FUNDRAISING', 'PARENTS', 'OTHER')),
        "description" varchar(500) null,
        "amount_minor" integer not null check ("amount_minor" >= 0),
        "currency" char(3) not null ${CURRENCY('currency')},
        "status" varchar(20) not null check ("status" in ('PLANNED', 'APPLIED', 'GRANTED', 'REJECTED', 'RECEIVED')),
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "funding_source_exchange_idx" on "funding_source" ("exchange_id", "id");`);

    this.addSql(`
      create table "organisation" (
        "id" serial primary key,
        "name" varchar(200) not null check (length(btrim("name")) > 0),
        "kind" varchar(20) not null check ("kind" in ('SCHOOL', 'ASSOCIATION', 'SPORTS_CLUB', 'MUNICIPALITY', 'OTHER')),
        "town_id" integer null references "town" ("id") on delete set null,
        "school_id" integer null references "school" ("id") on delete set null,
        "website" varchar(500) null,
        "created_at" timestamptz not null default now(),
        check ("school_id" is null or "kind" = 'SCHOOL')
      );`);
    this.addSql(`create index "organisation_town_idx" on "organisation" ("town_id");`);

    this.addSql(`
      create table "contact" (
        "id" serial primary key,
        "name" varchar(200) not null check (length(btrim("name")) > 0),
        "email" varchar(320) null,
        "phone" varchar(40) null,
        "organisation_id" integer null references "organisation" ("id") on delete set null,
        "created_by_user_id" integer null references "app_user" ("id") on delete set null,
        "created_at" timestamptz not null default now()
      );`);

    const ROLES = `'COORDINATOR', 'TEACHER', 'MUNICIPAL_OFFICER', 'ASSOCIATION', 'PARENT_REPRESENTATIVE'`;
    this.addSql(`
      create table "exchange_contact" (
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "contact_id" integer not null references "contact" ("id") on delete cascade,
        "role" varchar(30) not null check ("role" in (${ROLES})),
        primary key ("exchange_id", "contact_id", "role")
      );`);
    this.addSql(`
      create table "twin_link_contact" (
        "twin_link_id" integer not null references "twin_link" ("id") on delete cascade,
        "contact_id" integer not null references "contact" ("id") on delete cascade,
        "role" varchar(30) not null check ("role" in (${ROLES})),
        primary key ("twin_link_id", "contact_id", "role")
      );`);
    this.addSql(`create index "twin_link_contact_contact_idx" on "twin_link_contact" ("contact_id");`);
    this.addSql(`create index "exchange_contact_contact_idx" on "exchange_contact" ("contact_id");`);

    this.addSql(`
      create table "exchange_event" (
        "id" serial primary key,
        "exchange_id" integer not null references "exchange" ("id") on delete cascade,
        "at" timestamptz not null default now(),
        "actor_user_id" integer null references "app_user" ("id") on delete set null,
        "actor_client_id" integer null references "api_client" ("id") on delete set null,
        "kind" varchar(40) not null,
        "summary" varchar(500) not null,
        "from_status" varchar(20) null,
        "to_status" varchar(20) null,
        "request_id" varchar(100) null
      );`);
    this.addSql(`create index "exchange_event_exchange_idx" on "exchange_event" ("exchange_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "exchange_event", "twin_link_contact", "exchange_contact", "contact", "organisation",
      "funding_source", "budget_line", "evaluation", "goal", "participant", "host_family", "visit_guest_class", "visit",
      "exchange_class", "exchange" cascade;`);
    this.addSql(`drop function if exists "host_family_capacity"(), "visit_dates_to_guests"(), "visit_guest_class_dates"();`);
    this.addSql(`drop index if exists "school_class_id_school_uniq";`);
  }
}
