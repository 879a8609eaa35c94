/**
 * Imports every module that registers a RetentionPurger, so the purge
 * command and the server see the same set.
 */
import '../exchange/participant.service';
