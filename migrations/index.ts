import { Migration20261127000001_foundation } from './Migration20261127000001_foundation';

/**
 * Every migration, in order. Listed explicitly so that the compiled server,
 * ts-jest and the CLI all run exactly the same set without globbing files.
 */
export const migrationsList = [
  { name: 'Migration20261127000001_foundation', class: Migration20261127000001_foundation },
];
