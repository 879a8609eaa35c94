import { Migration } from '@mikro-orm/migrations';

/**
 * Accounts, roles, API clients, tokens (stored only as SHA-256 hashes) and
 * the audit log; private contact and note columns on schools and classes.
 */
export class Migration20261127000002_auth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "app_user" (
        "id" serial primary key,
        "name" varchar(200) not null check (length(btrim("name")) > 0),
        "email" varchar(320) not null check ("email" ~ '^[^@\\s]+@[^@\\s]+$'),
        "is_admin" boolean not null default false,
        "created_at" timestamptz not null default now()
      );`);
    this.addSql(`create unique index "app_user_email_uniq" on "app_user" (lower("email"));`);

    this.addSql(`
      create table "school_coordinator" (
        "user_id" integer not null references "app_user" ("id") on delete cascade,
        "school_id" integer not null references "school" ("id") on delete cascade,
        primary key ("user_id", "school_id")
      );`);
    this.addSql(`create index "school_coordinator_school_idx" on "school_coordinator" ("school_id");`);

    this.addSql(`
      create table "class_teacher" (
        "user_id" integer not null references "app_user" ("id") on delete cascade,
        "class_id" integer not null references "school_class" ("id") on delete cascade,
        primary key ("user_id", "class_id")
      );`);
    this.addSql(`create index "class_teacher_class_idx" on "class_teacher" ("class_id");`);

    this.addSql(`
      create table "api_client" (
        "id" serial primary key,
        "name" varchar(100) not null unique check (length(btrim("name")) > 0),
        "scopes" text[] not null default '{public:read}',
        "created_at" timestamptz not null default now()
      );`);

    this.addSql(`
      create table "api_token" (
        "id" serial primary key,
        "token_hash" char(64) not null unique check ("token_hash" ~ '^[0-9a-f]{64}$'),
        "label" varchar(100) null,
        "user_id" integer null references "app_user" ("id") on delete cascade,
        "client_id" integer null references "api_client" ("id") on delete cascade,
        "expires_at" timestamptz null,
        "last_used_at" timestamptz null,
        "revoked_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        check (("user_id" is null) <> ("client_id" is null))
      );`);
    this.addSql(`create index "api_token_user_idx" on "api_token" ("user_id");`);
    this.addSql(`create index "api_token_client_idx" on "api_token" ("client_id");`);

    this.addSql(`
      create table "audit_entry" (
        "id" bigserial primary key,
        "at" timestamptz not null default now(),
        "actor_user_id" integer null references "app_user" ("id") on delete set null,
        "actor_client_id" integer null references "api_client" ("id") on delete set null,
        "operation" varchar(100) not null,
        "target_ids" text[] not null default '{}',
        "succeeded" boolean not null,
        "request_id" varchar(100) null
      );`);
    this.addSql(`create index "audit_entry_at_idx" on "audit_entry" ("at" desc, "id" desc);`);
    this.addSql(`create index "audit_entry_actor_idx" on "audit_entry" ("actor_user_id", "at" desc);`);

    this.addSql(`alter table "school" add column "contact_email" varchar(320) null check ("contact_email" ~ '^[^@\\s]+@[^@\\s]+$');`);
    this.addSql(`alter table "school_class" add column "internal_notes" varchar(2000) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "school_class" drop column "internal_notes";`);
    this.addSql(`alter table "school" drop column "contact_email";`);
    this.addSql(`drop table if exists "audit_entry", "api_token", "api_client", "class_teacher", "school_coordinator", "app_user" cascade;`);
  }
}
