/**
 * Opaque Relay global ids: base64url of "Type:localId". Clients must treat
 * them as opaque strings; the encoding only has to be stable and reversible.
 */
export type NodeTypeName =
  | 'Town' | 'TwinLink' | 'School' | 'SchoolClass' | 'User' | 'ApiToken' | 'LanguagePairing' | 'ETwinningProject'
  | 'Exchange' | 'Visit' | 'Participant' | 'HostFamily' | 'Goal' | 'Evaluation' | 'BudgetLine' | 'FundingSource'
  | 'Organisation' | 'Contact' | 'ExchangeEvent';

export const NODE_TYPES: readonly NodeTypeName[] = [
  'Town',
  'TwinLink',
  'School',
  'SchoolClass',
  'User',
  'ApiToken',
  'LanguagePairing',
  'ETwinningProject',
  'Exchange',
  'Visit',
  'Participant',
  'HostFamily',
  'Goal',
  'Evaluation',
  'BudgetLine',
  'FundingSource',
  'Organisation',
  'Contact',
  'ExchangeEvent',
];

export function toGlobalId(type: NodeTypeName, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export type DecodedId = { type: NodeTypeName; id: number };

/** Returns null for anything that is not a well-formed id of a known type. */
export function fromGlobalId(globalId: string): DecodedId | null {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 100) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9][0-9]{0,9})$/.exec(decoded);
  if (!match) return null;
  const type = match[1] as NodeTypeName;
  const id = Number(match[2]);
  if (!NODE_TYPES.includes(type) || id > 2_147_483_647) return null;
  return { type, id };
}

/** The local id of a global id of the expected type, or null. */
export function localIdOf(globalId: string, type: NodeTypeName): number | null {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.type === type ? decoded.id : null;
}
