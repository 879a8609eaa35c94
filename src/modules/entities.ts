import { ApiClient, ApiToken, AuditEntry, User } from './auth/auth.entity';
import { ETwinningParticipant, ETwinningProject, ETwinningQualityLabel } from './etwinning/etwinning.entity';
import { LanguagePairing } from './language-pairing/language-pairing.entity';
import { AvailabilityWindow, ClassLanguage, SchoolClass } from './school-class/school-class.entity';
import { School } from './school/school.entity';
import { CountryLanguage, Town } from './town/town.entity';
import { TwinLink } from './twin-link/twin-link.entity';
import { Contact, ExchangeContact, Organisation, TwinLinkContact } from './community/community.entity';
import { BudgetLine, FundingSource } from './exchange/budget.entity';
import { Evaluation, Exchange, ExchangeClass, ExchangeEvent, Goal, Visit, VisitGuestClass } from './exchange/exchange.entity';
import { HostFamily, Participant } from './exchange/participant.entity';

/** Every MikroORM entity, listed once. */
export const entities = [Town, CountryLanguage, TwinLink, School, SchoolClass, ClassLanguage, AvailabilityWindow, User, ApiClient, ApiToken, AuditEntry, LanguagePairing, ETwinningProject, ETwinningQualityLabel, ETwinningParticipant,
  Exchange, ExchangeClass, Visit, VisitGuestClass, Goal, Evaluation, ExchangeEvent, Participant, HostFamily, BudgetLine, FundingSource,
  Organisation, Contact, ExchangeContact, TwinLinkContact];
