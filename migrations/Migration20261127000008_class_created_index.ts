import { Migration } from '@mikro-orm/migrations';

/**
 * The default order of class lists is newest first (created_at, id). Without
 * an index every page sorted all classes; the bench's scenario 2 spent most
 * of its time there, in our API and in PostGraphile and the raw baseline alike.
 */
export class Migration20261127000008_class_created_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "school_class_created_idx" on "school_class" ("created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "school_class_created_idx";`);
  }
}
