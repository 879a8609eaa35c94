import { mulberry32 } from '../../lib/random';

/**
 * Demo exchanges between the paired demo schools (one in each town of a
 * twin link), so a fresh `npm start` shows exchanges in every state, with
 * visits, goals, evaluations, budget and timeline. Deterministic: dates are
 * fixed school years (2025/26 done, 2026/27 ahead), not the clock.
 */

export type DemoPairSide = { schoolId: number; classId: number; country: string; townName: string; pupils: number };

/** ISO 4217 currency of each country the demo may use; the euro where not listed. */
const CURRENCY: Record<string, string> = {
  SE: 'SEK', DK: 'DKK', FO: 'DKK', NO: 'NOK', IS: 'ISK', PL: 'PLN', CZ: 'CZK', HU: 'HUF', RO: 'RON', CH: 'CHF', LI: 'CHF',
  GB: 'GBP', IM: 'GBP', JE: 'GBP', GG: 'GBP', GI: 'GIP', RS: 'RSD', UA: 'UAH', TR: 'TRY', AL: 'ALL', BA: 'BAM', MK: 'MKD',
  MD: 'MDL', BY: 'BYN', RU: 'RUB', GE: 'GEL', AM: 'AMD', AZ: 'AZN',
};
/** Rough size of one euro in each currency's minor units, to keep demo amounts plausible. */
const PER_EURO: Record<string, number> = {
  EUR: 100, SEK: 1150, DKK: 746, NOK: 1170, ISK: 145, PLN: 430, CZK: 2500, HUF: 400, RON: 500, CHF: 95, GBP: 85, GIP: 85,
  RSD: 11700, UAH: 4500, TRY: 4000, ALL: 10000, BAM: 196, MKD: 6150, MDL: 1950, BYN: 350, RUB: 10000, GEL: 300, AMD: 45000, AZN: 180,
};

export const currencyOf = (country: string): string => CURRENCY[country] ?? 'EUR';

type Status = 'DRAFT' | 'PROPOSED' | 'AGREED' | 'PLANNED' | 'ONGOING' | 'EVALUATING' | 'COMPLETED' | 'CANCELLED';
const LIFECYCLE: Status[] = ['DRAFT', 'PROPOSED', 'AGREED', 'PLANNED', 'ONGOING', 'EVALUATING', 'COMPLETED'];
const STATUS_WEIGHTS: [Status, number][] = [
  ['COMPLETED', 35],
  ['PLANNED', 25],
  ['AGREED', 15],
  ['PROPOSED', 10],
  ['DRAFT', 10],
  ['CANCELLED', 5],
];
const THEMES = ['ENVIRONMENT', 'FUTURE_OF_EUROPE', 'HUMAN_RIGHTS', 'PEACE', 'SOCIAL_INCLUSION', 'SPORT', 'CULTURE', 'LANGUAGE_LEARNING', 'DIGITAL'];
const TOPICS: Record<string, string> = {
  ENVIRONMENT: 'Our rivers and coasts',
  FUTURE_OF_EUROPE: 'Europe in 2050',
  HUMAN_RIGHTS: 'Rights of the child',
  PEACE: 'Memory and reconciliation',
  SOCIAL_INCLUSION: 'Everyone on board',
  SPORT: 'Games we play',
  CULTURE: 'Festivals of two towns',
  LANGUAGE_LEARNING: 'Tandem week',
  DIGITAL: 'Safe online together',
};

export type DemoExchangeRows = {
  exchanges: { id: number; title: string; description: string; themes: string[]; european_dimension: string; status: string; cancel_reason: string | null; version: number; created_at: string; updated_at: string }[];
  exchangeClasses: { exchange_id: number; class_id: number; school_id: number; role: string }[];
  visits: { id: number; exchange_id: number; host_school_id: number; guest_class_id: number; starts_on: string; ends_on: string; participant_count: number; accompanying_teacher_count: number; transport_mode: string; green_travel: boolean; accommodation: string }[];
  goals: { id: number; exchange_id: number; description: string; indicator: string; target: string; evaluation_on: string | null }[];
  evaluations: { goal_id: number; evaluated_on: string; outcome: number; notes: string }[];
  budgetLines: { exchange_id: number; category: string; description: string; amount_minor: number; currency: string; basis: string }[];
  fundingSources: { exchange_id: number; kind: string; description: string; amount_minor: number; currency: string; status: string }[];
  events: { exchange_id: number; at: string; kind: string; summary: string; from_status: string | null; to_status: string | null }[];
};

function weighted<T>(next: () => number, items: readonly [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Rows for one exchange per chosen pair. `ids` hands out reserved ids for
 * exchanges, visits and goals so rows can refer to each other.
 */
export function demoExchangeRows(
  pairs: [DemoPairSide, DemoPairSide][],
  seed: number,
  ids: { exchange: () => number; visit: () => number; goal: () => number },
): DemoExchangeRows {
  const next = mulberry32(seed ^ 0x0e8c4a11);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const rows: DemoExchangeRows = { exchanges: [], exchangeClasses: [], visits: [], goals: [], evaluations: [], budgetLines: [], fundingSources: [], events: [] };

  for (const [a, b] of pairs) {
    // About half of the twinned school pairs have an exchange.
    if (next() >= 0.5) continue;
    const status = weighted(next, STATUS_WEIGHTS);
    const theme = THEMES[int(0, THEMES.length - 1)]!;
    const second = THEMES[int(0, THEMES.length - 1)]!;
    const themes = [...new Set([theme, second])];
    const id = ids.exchange();
    const done = status === 'COMPLETED';
    // Completed exchanges ran in school year 2025/26; the others look ahead to 2026/27.
    const year = done ? 2025 : 2026;
    const created = `${year}-0${int(5, 9)}-${String(int(10, 28)).padStart(2, '0')}T09:00:00.000Z`;
    const events: DemoExchangeRows['events'] = [
      { exchange_id: id, at: created, kind: 'CREATED', summary: `Exchange "${TOPICS[theme]}" created with 2 classes.`, from_status: null, to_status: null },
    ];
    const change = (at: string, kind: string, summary: string) => events.push({ exchange_id: id, at, kind, summary, from_status: null, to_status: null });
    const move = (from: string, to: string, at: string, reason?: string) =>
      events.push({ exchange_id: id, at, kind: 'STATUS_CHANGED', summary: `Status changed from ${from} to ${to}${reason ? `: ${reason}` : '.'}`, from_status: from, to_status: to });

    rows.exchangeClasses.push(
      { exchange_id: id, class_id: a.classId, school_id: a.schoolId, role: 'INITIATOR' },
      { exchange_id: id, class_id: b.classId, school_id: b.schoolId, role: 'PARTNER' },
    );

    const reached = status === 'CANCELLED' ? LIFECYCLE[int(0, 3)]! : status;
    const stage = LIFECYCLE.indexOf(reached);
    let clock = Date.parse(created);
    const tick = () => new Date((clock += int(2, 12) * 86_400_000)).toISOString();
    for (let s = 1; s <= stage; s++) {
      const at = tick();
      if (s === LIFECYCLE.indexOf('PLANNED')) {
        // Visits and goals are added between AGREED and PLANNED.
        addVisitsAndGoals(at);
      }
      move(LIFECYCLE[s - 1]!, LIFECYCLE[s]!, at);
    }
    if (stage === LIFECYCLE.indexOf('AGREED')) addVisitsAndGoals(tick(), true);
    let cancelReason: string | null = null;
    if (status === 'CANCELLED') {
      cancelReason = 'The partner school could not find enough host families this year.';
      move(reached, 'CANCELLED', tick(), cancelReason);
    }

    function addVisitsAndGoals(at: string, partial = false) {
      const legs: [DemoPairSide, DemoPairSide, string][] = done
        ? [[a, b, `2025-10-${String(int(5, 12)).padStart(2, '0')}`], [b, a, `2026-03-${String(int(9, 20)).padStart(2, '0')}`]]
        : partial
          ? [[a, b, `2027-04-${String(int(12, 19)).padStart(2, '0')}`]]
          : [[a, b, `2027-03-${String(int(8, 15)).padStart(2, '0')}`], [b, a, `2027-05-${String(int(10, 17)).padStart(2, '0')}`]];
      for (const [host, guest, start] of legs) {
        const mode = weighted<string>(next, [['TRAIN', 40], ['BUS', 30], ['PLANE', 30]]);
        const length = int(5, 8);
        rows.visits.push({
          id: ids.visit(), exchange_id: id, host_school_id: host.schoolId, guest_class_id: guest.classId,
          starts_on: start, ends_on: addDays(start, length - 1), participant_count: Math.min(guest.pupils, int(12, 24)),
          accompanying_teacher_count: 2, transport_mode: mode, green_travel: mode !== 'PLANE', accommodation: next() < 0.8 ? 'HOST_FAMILIES' : 'HOSTEL',
        });
        change(at, 'VISIT_ADDED', `Visit added: ${start} to ${addDays(start, length - 1)}, ${guest.townName} to ${host.townName}.`);
      }
      const evaluationOn = done ? '2026-06-15' : partial ? null : '2027-06-14';
      const goals = [
        { description: 'Every pupil holds a five-minute conversation in the partner language', indicator: 'pupils who can, at the final evaluation', target: '80 %' },
        { description: `Pupils present a joint project on "${TOPICS[theme]}" to both towns`, indicator: 'presentations given', target: '2 (one in each town)' },
      ];
      for (const g of goals) {
        const goalId = ids.goal();
        rows.goals.push({ id: goalId, exchange_id: id, ...g, evaluation_on: evaluationOn });
        change(at, 'GOAL_ADDED', `Goal added${evaluationOn ? `, to be evaluated on ${evaluationOn}` : ''}.`);
        if (done) rows.evaluations.push({ goal_id: goalId, evaluated_on: '2026-06-15', outcome: int(3, 5), notes: 'Evaluated together by video call.' });
      }
      const currency = currencyOf(a.country);
      const euro = PER_EURO[currency] ?? 100;
      rows.budgetLines.push(
        { exchange_id: id, category: 'TRAVEL', description: 'Return journeys', amount_minor: int(120, 320) * euro, currency, basis: 'PER_PARTICIPANT' },
        { exchange_id: id, category: 'ACTIVITIES', description: 'Museum entries and a guided town walk', amount_minor: int(300, 900) * euro, currency, basis: 'TOTAL' },
        { exchange_id: id, category: 'ORGANISATIONAL', description: 'Preparation meeting and materials', amount_minor: int(200, 600) * euro, currency, basis: 'TOTAL' },
      );
      rows.fundingSources.push(
        { exchange_id: id, kind: 'ERASMUS_PLUS', description: 'KA122-SCH short-term project', amount_minor: int(40, 90) * 10_000, currency: 'EUR', status: done ? 'RECEIVED' : partial ? 'PLANNED' : 'APPLIED' },
        { exchange_id: id, kind: 'MUNICIPALITY', description: `Town twinning committee of ${a.townName}`, amount_minor: int(5, 20) * 100 * euro, currency, status: done ? 'RECEIVED' : 'GRANTED' },
        { exchange_id: id, kind: 'FUNDRAISING', description: 'Cake sale and school fair', amount_minor: int(3, 12) * 100 * euro, currency, status: done ? 'RECEIVED' : 'PLANNED' },
      );
      change(at, 'BUDGET_CHANGED', 'Budget drafted: 3 lines.');
      change(at, 'FUNDING_CHANGED', 'Funding sources added: 3.');
    }

    events.sort((x, y) => x.at.localeCompare(y.at));
    rows.events.push(...events);
    rows.exchanges.push({
      id,
      title: `${TOPICS[theme]}: ${a.townName} and ${b.townName}`,
      description: `Pupils of ${a.townName} and ${b.townName} work together on ${TOPICS[theme]!.toLowerCase()} and visit each other.`,
      themes,
      european_dimension: 'Pupils discover the everyday life, language and local democracy of a twin town, and share what they learn with both towns.',
      status,
      cancel_reason: cancelReason,
      version: events.length,
      created_at: created,
      updated_at: events[events.length - 1]!.at,
    });
  }
  return rows;
}
