import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** Structured JSON logs on stdout; one line per event. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'twinning-exchanges' } });
}
