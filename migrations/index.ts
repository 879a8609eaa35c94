import { Migration20261127000001_foundation } from './Migration20261127000001_foundation';
import { Migration20261127000002_auth } from './Migration20261127000002_auth';
import { Migration20261127000003_matching } from './Migration20261127000003_matching';
import { Migration20261127000004_listing_index } from './Migration20261127000004_listing_index';
import { Migration20261127000005_class_language_arrays } from './Migration20261127000005_class_language_arrays';
import { Migration20261127000006_exchanges } from './Migration20261127000006_exchanges';
import { Migration20261127000007_matching_speed } from './Migration20261127000007_matching_speed';
import { Migration20261127000008_class_created_index } from './Migration20261127000008_class_created_index';

/**
 * Every migration, in order. Listed explicitly so that the compiled server,
 * ts-jest and the CLI all run exactly the same set without globbing files.
 */
export const migrationsList = [
  { name: 'Migration20261127000001_foundation', class: Migration20261127000001_foundation },
  { name: 'Migration20261127000002_auth', class: Migration20261127000002_auth },
  { name: 'Migration20261127000003_matching', class: Migration20261127000003_matching },
  { name: 'Migration20261127000004_listing_index', class: Migration20261127000004_listing_index },
  { name: 'Migration20261127000005_class_language_arrays', class: Migration20261127000005_class_language_arrays },
  { name: 'Migration20261127000006_exchanges', class: Migration20261127000006_exchanges },
  { name: 'Migration20261127000007_matching_speed', class: Migration20261127000007_matching_speed },
  { name: 'Migration20261127000008_class_created_index', class: Migration20261127000008_class_created_index },
];
