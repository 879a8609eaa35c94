import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { filterCountry } from '../common/filters';
import { languageName } from '../../lib/codes';
import { PageArgs } from '../common/pagination';
import { LanguageDemand, PartnerSuggestionConnection, PartnerSuggestionFilter, PartnerWeightsInput } from './partner-suggestions.inputs';
import { PartnerSuggestionService } from './partner-suggestions.service';

@Resolver()
export class PartnerSuggestionResolver {
  @Query(() => PartnerSuggestionConnection, {
    nullable: true,
    description:
      'Ranked partner classes for a class, best first, each with the reasons for its score. Only classes that look for partners, ' +
      'outside the class\'s own school, not already in an open pairing with it and that did not decline it in the last year. ' +
      'Null when the class does not exist or you may not see it.',
  })
  async partnerSuggestions(
    @Arg('classId', () => ID, { description: 'The class looking for partners (global id).' }) classId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PartnerSuggestionFilter, { nullable: true, description: 'Conditions on the partners.' })
    filter: PartnerSuggestionFilter | null,
    @Arg('weights', () => PartnerWeightsInput, { nullable: true, description: 'Relative weights of the criteria.' })
    weights: PartnerWeightsInput | null,
    @Ctx() ctx: Context,
  ) {
    return new PartnerSuggestionService(ctx.em, await ctx.viewer()).suggest(classId, page, filter, weights);
  }

  @Query(() => [LanguageDemand], {
    description:
      'Tandem supply and demand per language among classes looking for partners: how many learn it (in the country, if given) ' +
      'and how many are taught in it (outside that country, if given), most unmatched demand first.',
  })
  async languageDemand(
    @Arg('country', () => String, { nullable: true, description: 'A country (ISO 3166-1 alpha-2); all of Europe if omitted.' }) country: string | null,
    @Ctx() ctx: Context,
  ): Promise<LanguageDemand[]> {
    const code = country != null ? filterCountry(country, 'country') : null;
    const listed = `c.looking_for_partners and (c.listing_expires_at is null or c.listing_expires_at > now())`;
    const rows = await ctx.em.getConnection().execute<{ language: string; learning: number; offering: number }[]>(
      `select l.language,
              count(distinct l.class_id) filter (where l.role = 'LEARNING' and (?::text is null or t.country = ?))::int as learning,
              count(distinct l.class_id) filter (where l.role = 'INSTRUCTION' and (?::text is null or t.country <> ?))::int as offering
         from class_language l
         join school_class c on c.id = l.class_id
         join school s on s.id = c.school_id
         join town t on t.id = s.town_id
        where ${listed}
        group by l.language`,
      [code, code, code, code],
    );
    return rows
      .map((r) => ({
        language: r.language,
        name: languageName(r.language),
        learningClasses: Number(r.learning),
        offeringClasses: Number(r.offering),
        unmatchedDemand: Math.max(0, Number(r.learning) - Number(r.offering)),
      }))
      .filter((r) => r.learningClasses > 0 || r.offeringClasses > 0)
      .sort((a, b) => b.unmatchedDemand - a.unmatchedDemand || b.learningClasses - a.learningClasses || a.language.localeCompare(b.language));
  }
}
