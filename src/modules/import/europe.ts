import countries from 'i18n-iso-countries';

/**
 * Countries whose towns are imported: the EU 27, the rest of the EEA,
 * Switzerland, the United Kingdom, the Western Balkans, the eastern
 * neighbours (including Russia and Turkey as a whole), the microstates and
 * the European dependencies (Åland, Faroe, Gibraltar, the Crown dependencies,
 * Svalbard).
 */
export const EUROPEAN_COUNTRIES: readonly string[] = [
  // EU 27
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
  // EEA, EFTA, United Kingdom
  'IS', 'LI', 'NO', 'CH', 'GB',
  // Western Balkans
  'AL', 'BA', 'ME', 'MK', 'RS', 'XK',
  // Eastern neighbours
  'UA', 'MD', 'BY', 'RU', 'TR', 'GE', 'AM', 'AZ',
  // Microstates
  'AD', 'MC', 'SM', 'VA',
  // Dependencies and autonomous territories
  'AX', 'FO', 'GI', 'IM', 'JE', 'GG', 'SJ',
];

const EUROPEAN_SET = new Set(EUROPEAN_COUNTRIES);

export function isEuropeanCountry(code: string): boolean {
  return EUROPEAN_SET.has(code);
}

/**
 * Land (and a few short-sea) neighbours, for the languages a class is likely
 * to learn besides English, French, German, Spanish and Italian.
 */
export const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  AD: ['ES', 'FR'],
  AL: ['ME', 'XK', 'MK', 'GR', 'IT'],
  AM: ['GE', 'AZ', 'TR'],
  AT: ['DE', 'CZ', 'SK', 'HU', 'SI', 'IT', 'CH', 'LI'],
  AX: ['SE', 'FI'],
  AZ: ['RU', 'GE', 'AM', 'TR'],
  BA: ['HR', 'RS', 'ME'],
  BE: ['NL', 'DE', 'LU', 'FR'],
  BG: ['RO', 'RS', 'MK', 'GR', 'TR'],
  BY: ['RU', 'UA', 'PL', 'LT', 'LV'],
  CH: ['DE', 'FR', 'IT', 'AT', 'LI'],
  CY: ['GR', 'TR'],
  CZ: ['DE', 'PL', 'SK', 'AT'],
  DE: ['DK', 'PL', 'CZ', 'AT', 'CH', 'FR', 'LU', 'BE', 'NL'],
  DK: ['DE', 'SE', 'NO'],
  EE: ['FI', 'LV', 'RU'],
  ES: ['PT', 'FR', 'AD'],
  FI: ['SE', 'NO', 'EE', 'RU'],
  FO: ['DK', 'IS', 'NO'],
  FR: ['BE', 'LU', 'DE', 'CH', 'IT', 'ES', 'AD', 'MC', 'GB'],
  GB: ['IE', 'FR'],
  GE: ['RU', 'AZ', 'AM', 'TR'],
  GG: ['GB', 'FR'],
  GI: ['ES', 'GB'],
  GR: ['AL', 'MK', 'BG', 'TR', 'CY', 'IT'],
  HR: ['SI', 'HU', 'RS', 'BA', 'ME', 'IT'],
  HU: ['AT', 'SK', 'UA', 'RO', 'RS', 'HR', 'SI'],
  IE: ['GB'],
  IM: ['GB', 'IE'],
  IS: ['NO', 'DK', 'FO'],
  IT: ['FR', 'CH', 'AT', 'SI', 'SM', 'VA', 'MT', 'HR'],
  JE: ['GB', 'FR'],
  LI: ['CH', 'AT'],
  LT: ['LV', 'BY', 'PL', 'RU'],
  LU: ['BE', 'DE', 'FR'],
  LV: ['EE', 'LT', 'BY', 'RU'],
  MC: ['FR', 'IT'],
  MD: ['RO', 'UA'],
  ME: ['HR', 'BA', 'RS', 'XK', 'AL'],
  MK: ['RS', 'XK', 'AL', 'GR', 'BG'],
  MT: ['IT'],
  NL: ['BE', 'DE'],
  NO: ['SE', 'FI', 'RU', 'DK'],
  PL: ['DE', 'CZ', 'SK', 'UA', 'BY', 'LT', 'RU'],
  PT: ['ES'],
  RO: ['HU', 'UA', 'MD', 'BG', 'RS'],
  RS: ['HU', 'RO', 'BG', 'MK', 'XK', 'ME', 'BA', 'HR'],
  RU: ['NO', 'FI', 'EE', 'LV', 'LT', 'PL', 'BY', 'UA', 'GE', 'AZ'],
  SE: ['NO', 'FI', 'DK'],
  SI: ['IT', 'AT', 'HU', 'HR'],
  SJ: ['NO'],
  SK: ['CZ', 'PL', 'UA', 'HU', 'AT'],
  SM: ['IT'],
  TR: ['GR', 'BG', 'GE', 'AM', 'AZ'],
  UA: ['PL', 'SK', 'HU', 'RO', 'MD', 'BY', 'RU'],
  VA: ['IT'],
  XK: ['RS', 'ME', 'AL', 'MK'],
};

/**
 * English country names, as Wikidata labels them, that i18n-iso-countries
 * does not know. Historical states (Prussia, Austria-Hungary...) are left out
 * on purpose: their towns now lie in several countries.
 */
const COUNTRY_ALIASES: Record<string, string> = {
  'republic of macedonia': 'MK',
  'macedonia': 'MK',
  'north macedonia': 'MK',
  'former yugoslav republic of macedonia': 'MK',
  'moldova': 'MD',
  'republic of moldova': 'MD',
  'transnistria': 'MD',
  'kosovo': 'XK',
  'republic of kosovo': 'XK',
  'syria': 'SY',
  'palestine': 'PS',
  'state of palestine': 'PS',
  'palestinian territories': 'PS',
  'palestinian national authority': 'PS',
  'swaziland': 'SZ',
  'eswatini': 'SZ',
  'east timor': 'TL',
  'sao tome and principe': 'ST',
  'ivory coast': 'CI',
  'vatican city': 'VA',
  'holy see': 'VA',
  'czechia': 'CZ',
  'czech republic': 'CZ',
  'turkey': 'TR',
  'turkiye': 'TR',
  'russia': 'RU',
  'united kingdom': 'GB',
  'great britain': 'GB',
  'england': 'GB',
  'scotland': 'GB',
  'wales': 'GB',
  'northern ireland': 'GB',
  'kingdom of the netherlands': 'NL',
  'kingdom of denmark': 'DK',
  'aland islands': 'AX',
  'faroe islands': 'FO',
  'people s republic of china': 'CN',
  'republic of china': 'TW',
  'taiwan': 'TW',
  'somaliland': 'SO',
  'western sahara': 'EH',
  'cape verde': 'CV',
  'south korea': 'KR',
  'north korea': 'KP',
  'united states of america': 'US',
  'united states': 'US',
};

function fold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * ISO 3166-1 alpha-2 code of a country given by its English name (as in the
 * Wikidata exports), or by its alpha-2 / alpha-3 code. Undefined when unknown.
 */
export function countryCodeFromName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return undefined;
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const code = trimmed.toUpperCase();
    if (countries.isValid(code) || code === 'XK') return code;
  }
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const code = countries.alpha3ToAlpha2(trimmed.toUpperCase());
    if (code) return code;
  }
  const alias = COUNTRY_ALIASES[fold(trimmed)];
  if (alias) return alias;
  const code = countries.getAlpha2Code(trimmed, 'en');
  return code ? code.toUpperCase() : undefined;
}

/**
 * Languages of instruction where they depend on the region (GeoNames
 * first-level admin code), in countries with several official languages.
 */
export const REGIONAL_LANGUAGES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  CH: { GE: ['fr'], VD: ['fr'], NE: ['fr'], JU: ['fr'], FR: ['fr', 'de'], VS: ['fr', 'de'], TI: ['it'] },
  BE: { VLG: ['nl'], WAL: ['fr'], BRU: ['fr', 'nl'] },
  ES: { '56': ['ca', 'es'], '07': ['ca', 'es'] },
};
