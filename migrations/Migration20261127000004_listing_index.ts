import { Migration } from '@mikro-orm/migrations';

/**
 * Partner suggestions walk the most recently updated listings and stop
 * after a few hundred matches; this index makes that walk cheap.
 */
export class Migration20261127000004_listing_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "school_class_listing_recent_idx" on "school_class" ("updated_at" desc, "id") where "looking_for_partners";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "school_class_listing_recent_idx";`);
  }
}
