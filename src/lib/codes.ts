import countries from 'i18n-iso-countries';
import ISO6391 from 'iso-639-1';

/** ISO 3166-1 alpha-2, upper case only (e.g. "SE"; Kosovo's "XK" included). */
export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}

/** ISO 639-1, lower case only (e.g. "sv"). */
export function isLanguageCode(value: string): boolean {
  return /^[a-z]{2}$/.test(value) && ISO6391.validate(value);
}

/** English name of an ISO 639-1 language, or the code itself. */
export function languageName(code: string): string {
  return ISO6391.getName(code) || code;
}
