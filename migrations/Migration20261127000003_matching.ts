import { Migration } from '@mikro-orm/migrations';

/**
 * Language pairings between classes, eTwinning project links, and the
 * pairing modes a class is open to.
 */
export class Migration20261127000003_matching extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table "school_class" add column "pairing_modes" text[] not null
        default '{TANDEM_VISIT,PEN_PALS,VIDEO,ETWINNING}'
        check ("pairing_modes" <@ array['TANDEM_VISIT', 'PEN_PALS', 'VIDEO', 'ETWINNING']::text[]);`);

    this.addSql(`
      create table "etwinning_project" (
        "id" serial primary key,
        "project_number" varchar(40) null unique,
        "title" varchar(300) not null check (length(btrim("title")) > 0),
        "url" varchar(500) not null check ("url" ~ '^https://'),
        "description" varchar(4000) null,
        "age_min" smallint null check ("age_min" between 3 and 25),
        "age_max" smallint null check ("age_max" between 3 and 25),
        "subjects" text[] not null default '{}',
        "languages" text[] not null default '{}',
        "status" varchar(20) not null default 'ACTIVE' check ("status" in ('PLANNED', 'ACTIVE', 'FINISHED')),
        "created_by_user_id" integer null references "app_user" ("id") on delete set null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now(),
        check ("age_min" is null or "age_max" is null or "age_min" <= "age_max")
      );`);
    this.addSql(`create index "etwinning_project_languages_idx" on "etwinning_project" using gin ("languages");`);

    this.addSql(`
      create table "etwinning_quality_label" (
        "id" serial primary key,
        "project_id" integer not null references "etwinning_project" ("id") on delete cascade,
        "kind" varchar(20) not null check ("kind" in ('NATIONAL', 'EUROPEAN')),
        "year" smallint not null check ("year" between 2005 and 2100),
        "country" char(2) null check ("country" ~ '^[A-Z]{2}$'),
        check (("kind" = 'NATIONAL') = ("country" is not null))
      );`);
    this.addSql(`create unique index "etwinning_quality_label_uniq" on "etwinning_quality_label" ("project_id", "kind", "year", coalesce("country", ''));`);

    this.addSql(`
      create table "etwinning_participant" (
        "id" serial primary key,
        "project_id" integer not null references "etwinning_project" ("id") on delete cascade,
        "school_id" integer not null references "school" ("id") on delete cascade,
        "class_id" integer null references "school_class" ("id") on delete cascade
      );`);
    this.addSql(`create unique index "etwinning_participant_uniq" on "etwinning_participant" ("project_id", "school_id", coalesce("class_id", 0));`);
    this.addSql(`create index "etwinning_participant_school_idx" on "etwinning_participant" ("school_id");`);

    this.addSql(`
      create table "language_pairing" (
        "id" serial primary key,
        "class_a_id" integer not null references "school_class" ("id") on delete cascade,
        "class_b_id" integer not null references "school_class" ("id") on delete cascade,
        "language_a" char(2) not null check ("language_a" ~ '^[a-z]{2}$'),
        "language_b" char(2) null check ("language_b" ~ '^[a-z]{2}$'),
        "mode" varchar(20) not null check ("mode" in ('TANDEM_VISIT', 'PEN_PALS', 'VIDEO', 'ETWINNING')),
        "status" varchar(20) not null default 'PROPOSED' check ("status" in ('PROPOSED', 'ACCEPTED', 'ACTIVE', 'ENDED', 'DECLINED')),
        "unbalanced" boolean not null,
        "message" varchar(2000) null,
        "response_message" varchar(2000) null,
        "proposed_by_user_id" integer null references "app_user" ("id") on delete set null,
        "etwinning_project_id" integer null references "etwinning_project" ("id") on delete set null,
        "responded_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now(),
        check ("class_a_id" <> "class_b_id"),
        check ("unbalanced" = ("language_b" is null))
      );`);
    // At most one open pairing of the same two classes in the same languages,
    // whichever class proposed it: the index normalises the order.
    this.addSql(`
      create unique index "language_pairing_open_uniq" on "language_pairing" (
        least("class_a_id", "class_b_id"),
        greatest("class_a_id", "class_b_id"),
        (case when "class_a_id" < "class_b_id" then "language_a" else coalesce("language_b", '') end),
        (case when "class_a_id" < "class_b_id" then coalesce("language_b", '') else "language_a" end)
      ) where "status" in ('PROPOSED', 'ACCEPTED', 'ACTIVE');`);
    this.addSql(`create index "language_pairing_class_a_idx" on "language_pairing" ("class_a_id", "status");`);
    this.addSql(`create index "language_pairing_class_b_idx" on "language_pairing" ("class_b_id", "status");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "language_pairing", "etwinning_participant", "etwinning_quality_label", "etwinning_project" cascade;`);
    this.addSql(`alter table "school_class" drop column "pairing_modes";`);
  }
}
