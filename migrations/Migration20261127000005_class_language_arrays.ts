import { Migration } from '@mikro-orm/migrations';

/**
 * Each class carries the languages it teaches in (offers) and learns as
 * arrays, kept in step with class_language by statement-level triggers, so
 * partner candidates are found by walking one index with a row filter
 * instead of joining and sorting tens of thousands of language rows.
 */
export class Migration20261127000005_class_language_arrays extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "school_class" add column "offers" text[] not null default '{}', add column "learns" text[] not null default '{}';`);
    this.addSql(`
      create function "sync_class_language_arrays"() returns trigger language plpgsql as $$
      begin
        update "school_class" c set
          "offers" = coalesce((select array_agg(l."language"::text order by l."language") from "class_language" l
                                where l."class_id" = c."id" and l."role" = 'INSTRUCTION'), '{}'),
          "learns" = coalesce((select array_agg(l."language"::text order by l."language") from "class_language" l
                                where l."class_id" = c."id" and l."role" = 'LEARNING'), '{}')
        where c."id" in (select "class_id" from "changed");
        return null;
      end $$;`);
    this.addSql(`create trigger "class_language_arrays_ins" after insert on "class_language" referencing new table as "changed" for each statement execute function "sync_class_language_arrays"();`);
    this.addSql(`create trigger "class_language_arrays_upd" after update on "class_language" referencing new table as "changed" for each statement execute function "sync_class_language_arrays"();`);
    this.addSql(`create trigger "class_language_arrays_del" after delete on "class_language" referencing old table as "changed" for each statement execute function "sync_class_language_arrays"();`);
    this.addSql(`
      update "school_class" c set
        "offers" = coalesce((select array_agg(l."language"::text order by l."language") from "class_language" l where l."class_id" = c."id" and l."role" = 'INSTRUCTION'), '{}'),
        "learns" = coalesce((select array_agg(l."language"::text order by l."language") from "class_language" l where l."class_id" = c."id" and l."role" = 'LEARNING'), '{}');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "class_language_arrays_ins" on "class_language";`);
    this.addSql(`drop trigger if exists "class_language_arrays_upd" on "class_language";`);
    this.addSql(`drop trigger if exists "class_language_arrays_del" on "class_language";`);
    this.addSql(`drop function if exists "sync_class_language_arrays"();`);
    this.addSql(`alter table "school_class" drop column "offers", drop column "learns";`);
  }
}
