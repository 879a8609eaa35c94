import { column, globalId, list, page, type TypeSpec } from '../common/compiled-read';
import { LanguagePairing } from '../language-pairing/language-pairing.entity';
import { pairingVisibilitySql } from '../language-pairing/language-pairing.service';
import { AvailabilityWindow, ClassLanguage, SchoolClass } from '../school-class/school-class.entity';
import { Town } from '../town/town.entity';
import { School } from './school.entity';

/**
 * What `school(id:)` compiles into one statement (see compiled-read.ts):
 * the school, its town, its classes, their pairings and the paired classes
 * with their schools; and the classes of `schoolClasses` pages, with their
 * languages and availability. Each entry mirrors its resolver: plain columns with
 * no check of their own, relations loaded by id without one (School.town,
 * SchoolClass.school, LanguagePairing.classA/B), and the first N of a list
 * in its default order with the list's visibility rule.
 */
export const TOWN_SPEC: TypeSpec = {
  type: 'Town',
  entity: Town,
  fields: { id: globalId('Town'), name: column('name'), country: column('country'), population: column('population') },
};

export const SCHOOL_SPEC: TypeSpec = {
  type: 'School',
  entity: School,
  fields: {
    id: globalId('School'),
    name: column('name'),
    kind: column('kind'),
    pupilCount: column('pupilCount'),
    instructionLanguages: column('instructionLanguages'),
    website: column('website'),
    town: { kind: 'one', target: () => TOWN_SPEC, on: (school, town) => `${town}.id = ${school}.town_id` },
    // SchoolService.classesOfSchools: newest first, the classes the viewer may see.
    classes: page(
      () => CLASS_SPEC,
      'SchoolClass',
      (school, c) => `${c}.school_id = ${school}.id`,
      (c) => `${c}.created_at desc, ${c}.id desc`,
      (c, viewer, params) => viewer.classVisibilitySql(c, params),
    ),
  },
};

export const CLASS_SPEC: TypeSpec = {
  type: 'SchoolClass',
  entity: SchoolClass,
  fields: {
    id: globalId('SchoolClass'),
    label: column('label'),
    grade: column('grade'),
    ageMin: column('ageMin'),
    ageMax: column('ageMax'),
    pupilCount: column('pupilCount'),
    subjects: column('subjects'),
    themes: column('themes'),
    lookingForPartners: column('lookingForPartners'),
    school: { kind: 'one', target: () => SCHOOL_SPEC, on: (c, school) => `${school}.id = ${c}.school_id` },
    // The classLanguages and availability loaders: every row of the class, in their order.
    languages: list(() => CLASS_LANGUAGE_SPEC, (c, l) => `${l}.class_id = ${c}.id`, (l) => `${l}.role asc, ${l}.language asc`),
    availability: list(() => AVAILABILITY_SPEC, (c, w) => `${w}.class_id = ${c}.id`, (w) => `${w}.starts_on asc, ${w}.id asc`),
    // LanguagePairingService.pairingsOfClasses: either side, newest first, the pairings the viewer may see.
    pairings: page(
      () => PAIRING_SPEC,
      'LanguagePairing',
      (c, p) => `(${p}.class_a_id = ${c}.id or ${p}.class_b_id = ${c}.id)`,
      (p) => `${p}.id desc`,
      (p, viewer, params) => pairingVisibilitySql(viewer, p, params),
    ),
  },
};

export const PAIRING_SPEC: TypeSpec = {
  type: 'LanguagePairing',
  entity: LanguagePairing,
  fields: {
    id: globalId('LanguagePairing'),
    status: column('status'),
    mode: column('mode'),
    languageA: column('languageA'),
    languageB: column('languageB'),
    unbalanced: column('unbalanced'),
    classA: { kind: 'one', target: () => CLASS_SPEC, on: (p, c) => `${c}.id = ${p}.class_a_id` },
    classB: { kind: 'one', target: () => CLASS_SPEC, on: (p, c) => `${c}.id = ${p}.class_b_id` },
  },
};

export const CLASS_LANGUAGE_SPEC: TypeSpec = {
  type: 'ClassLanguage',
  entity: ClassLanguage,
  fields: { language: column('language'), role: column('role'), level: column('level') },
};

export const AVAILABILITY_SPEC: TypeSpec = {
  type: 'AvailabilityWindow',
  entity: AvailabilityWindow,
  fields: { startsOn: column('startsOn'), endsOn: column('endsOn') },
};
