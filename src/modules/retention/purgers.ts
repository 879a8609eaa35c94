/**
 * Imports every module that registers a RetentionPurger, so the purge
 * command and the server see the same set. The exchange module's
 * participant purger is added here when participants exist.
 */
export {};
