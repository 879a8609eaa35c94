import { Migration } from '@mikro-orm/migrations';

/**
 * Two things partner suggestions need to answer in well under 100 ms.
 *
 * 1. A GIN index on the class's language arrays (learns, offers), for the
 *    classes looking for partners. A full tandem is `learns && X and offers
 *    && Y`; with both columns in one index the bitmap holds exactly those
 *    classes, so a sparse tandem set costs a few hundred heap visits instead
 *    of a walk through most of the listing index. The planner still walks
 *    the listing index when matches are dense. fastupdate is off so reads
 *    never scan a pending list; classes change languages rarely.
 *
 * 2. A version number of the facts town similarity reads from the whole
 *    network (twin links, towns per country, languages per country), bumped
 *    by statement triggers whenever twin_link, town or country_language
 *    change. The server keeps those facts in memory and reloads them only
 *    when the version it reads along with a request differs, instead of
 *    aggregating every twin link on every call. The number comes from a
 *    sequence, so the version of a rolled-back change is never handed out
 *    again. Writers of the three tables briefly serialise on the one version
 *    row; they are the importers and twin-link mutations, rare next to reads.
 */
export class Migration20261127000007_matching_speed extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "school_class_languages_idx" on "school_class" using gin ("learns", "offers") with (fastupdate = off) where "looking_for_partners";`,
    );

    this.addSql(`create sequence "town_network_version_seq";`);
    this.addSql(`
      create table "town_network_version" (
        "id" boolean primary key default true check ("id"),
        "version" bigint not null
      );`);
    this.addSql(`insert into "town_network_version" ("id", "version") values (true, nextval('town_network_version_seq'));`);
    this.addSql(`
      create function "bump_town_network_version"() returns trigger language plpgsql as $$
      begin
        update "town_network_version" set "version" = nextval('town_network_version_seq');
        return null;
      end $$;`);
    for (const table of ['twin_link', 'town', 'country_language']) {
      this.addSql(
        `create trigger "${table}_network_version" after insert or update or delete or truncate on "${table}" ` +
          `for each statement execute function "bump_town_network_version"();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const table of ['twin_link', 'town', 'country_language']) {
      this.addSql(`drop trigger if exists "${table}_network_version" on "${table}";`);
    }
    this.addSql(`drop function if exists "bump_town_network_version"();`);
    this.addSql(`drop table if exists "town_network_version";`);
    this.addSql(`drop sequence if exists "town_network_version_seq";`);
    this.addSql(`drop index if exists "school_class_languages_idx";`);
  }
}
