import { Migration } from '@mikro-orm/migrations';

/**
 * Towns, twin links, schools and classes. Constraints that keep the data sane
 * live here as well as in the services, so that a bug or a raw import can
 * never store what the API would refuse.
 */
export class Migration20261127000001_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "town" (
        "id" serial primary key,
        "geonames_id" integer not null unique,
        "name" varchar(200) not null,
        "search_name" varchar(200) not null,
        "country" char(2) not null check ("country" ~ '^[A-Z]{2}$'),
        "admin_code" varchar(20) null,
        "population" integer not null check ("population" >= 0),
        "latitude" double precision not null check ("latitude" between -90 and 90),
        "longitude" double precision not null check ("longitude" between -180 and 180),
        "updated_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "town_country_population_idx" on "town" ("country", "population" desc, "id");`);
    this.addSql(`create index "town_population_idx" on "town" ("population" desc, "id");`);
    this.addSql(`create index "town_search_name_idx" on "town" ("search_name" text_pattern_ops);`);
    this.addSql(`create index "town_country_search_name_idx" on "town" ("country", "search_name" text_pattern_ops);`);
    this.addSql(`create index "town_location_idx" on "town" ("latitude", "longitude");`);

    this.addSql(`
      create table "country_language" (
        "country" char(2) not null check ("country" ~ '^[A-Z]{2}$'),
        "language" char(2) not null check ("language" ~ '^[a-z]{2}$'),
        "population_percent" real not null check ("population_percent" between 0 and 100),
        "official_status" varchar(30) null,
        primary key ("country", "language")
      );`);

    this.addSql(`
      create table "twin_link" (
        "id" serial primary key,
        "town_a_id" integer not null references "town" ("id") on delete cascade,
        "town_b_id" integer not null references "town" ("id") on delete cascade,
        "since" smallint null check ("since" between 800 and 2100),
        "kind" varchar(20) not null default 'TWINNING' check ("kind" in ('TWINNING', 'PARTNERSHIP', 'FRIENDSHIP')),
        "status" varchar(20) not null default 'ACTIVE' check ("status" in ('ACTIVE', 'DORMANT', 'ENDED')),
        "source" varchar(20) not null default 'MANUAL' check ("source" in ('WIKIDATA', 'MANUAL', 'IMPORT')),
        "ended_on" date null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now(),
        check ("town_a_id" < "town_b_id"),
        check (("status" = 'ENDED') = ("ended_on" is not null))
      );`);
    // One open link per pair of towns; an ended link may be followed by a new one.
    this.addSql(`create unique index "twin_link_open_pair_uniq" on "twin_link" ("town_a_id", "town_b_id") where "status" <> 'ENDED';`);
    this.addSql(`create index "twin_link_town_b_idx" on "twin_link" ("town_b_id");`);
    // Both directions of a link, so "the twins of town X" is one indexed lookup.
    this.addSql(`
      create view "twin_edge" as
        select "id" as "link_id", "town_a_id" as "town_id", "town_b_id" as "other_town_id", "status" from "twin_link"
        union all
        select "id" as "link_id", "town_b_id" as "town_id", "town_a_id" as "other_town_id", "status" from "twin_link";`);

    this.addSql(`
      create table "school" (
        "id" serial primary key,
        "town_id" integer not null references "town" ("id") on delete restrict,
        "name" varchar(200) not null check (length(btrim("name")) > 0),
        "kind" varchar(20) not null check ("kind" in ('PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'VOCATIONAL', 'OTHER')),
        "pupil_count" integer null check ("pupil_count" > 0),
        "instruction_languages" text[] not null default '{}',
        "website" varchar(500) null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "school_town_idx" on "school" ("town_id", "name", "id");`);
    this.addSql(`create index "school_name_idx" on "school" ("name", "id");`);

    this.addSql(`
      create table "school_class" (
        "id" serial primary key,
        "school_id" integer not null references "school" ("id") on delete restrict,
        "label" varchar(100) not null check (length(btrim("label")) > 0),
        "grade" varchar(30) null,
        "age_min" smallint not null check ("age_min" between 3 and 25),
        "age_max" smallint not null check ("age_max" between 3 and 25),
        "pupil_count" integer not null check ("pupil_count" between 1 and 500),
        "subjects" text[] not null default '{}',
        "themes" text[] not null default '{}',
        "description" varchar(2000) null,
        "looking_for_partners" boolean not null default true,
        "listing_expires_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now(),
        check ("age_min" <= "age_max")
      );`);
    this.addSql(`create index "school_class_school_idx" on "school_class" ("school_id", "label", "id");`);
    this.addSql(`create index "school_class_ages_idx" on "school_class" ("age_min", "age_max");`);
    this.addSql(`create index "school_class_looking_idx" on "school_class" ("looking_for_partners", "listing_expires_at");`);
    this.addSql(`create index "school_class_themes_idx" on "school_class" using gin ("themes");`);

    this.addSql(`
      create table "class_language" (
        "id" serial primary key,
        "class_id" integer not null references "school_class" ("id") on delete cascade,
        "language" char(2) not null check ("language" ~ '^[a-z]{2}$'),
        "role" varchar(20) not null check ("role" in ('INSTRUCTION', 'LEARNING')),
        "level" char(2) null check ("level" in ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
        unique ("class_id", "language", "role"),
        check (("role" = 'LEARNING') = ("level" is not null))
      );`);
    this.addSql(`create index "class_language_lookup_idx" on "class_language" ("language", "role", "level", "class_id");`);

    this.addSql(`
      create table "availability_window" (
        "id" serial primary key,
        "class_id" integer not null references "school_class" ("id") on delete cascade,
        "starts_on" date not null,
        "ends_on" date not null,
        check ("starts_on" <= "ends_on")
      );`);
    this.addSql(`create index "availability_window_class_idx" on "availability_window" ("class_id", "starts_on");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "availability_window", "class_language", "school_class", "school" cascade;`);
    this.addSql(`drop view if exists "twin_edge";`);
    this.addSql(`drop table if exists "twin_link", "country_language", "town" cascade;`);
  }
}
