import { isEmail, isURL } from 'class-validator';
import { isCountryCode, isLanguageCode } from '../../lib/codes';
import { fromGlobalId, type NodeTypeName } from '../../lib/global-id';
import { isIsoDate } from './scalars';
import { UserErrorCode, type UserError } from './user-error';

/**
 * Collects userErrors for one mutation input. Each check returns the clean
 * value (trimmed, de-duplicated) so services validate and normalise in one pass.
 */
export class InputChecker {
  readonly errors: UserError[] = [];

  add(field: (string | number)[], code: UserErrorCode, message: string): void {
    this.errors.push({ field: ['input', ...field.map(String)], code, message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Trims; blank becomes null (REQUIRED when required); longer than max is TOO_LONG. */
  text(field: (string | number)[], value: string | null | undefined, max: number, required: boolean): string | null {
    const trimmed = value?.trim() ?? '';
    if (trimmed.length === 0) {
      if (required) this.add(field, UserErrorCode.REQUIRED, `${field.join('.')} must not be blank.`);
      return null;
    }
    if ([...trimmed].length > max) {
      this.add(field, UserErrorCode.TOO_LONG, `${field.join('.')} must be at most ${max} characters.`);
    }
    return trimmed;
  }

  globalId(field: (string | number)[], value: string, type: NodeTypeName): number | null {
    const decoded = fromGlobalId(value);
    if (!decoded || decoded.type !== type) {
      this.add(field, UserErrorCode.INVALID_ID, `${field.join('.')} is not a valid ${type} id.`);
      return null;
    }
    return decoded.id;
  }

  country(field: (string | number)[], value: string): string | null {
    const code = value.trim();
    if (!isCountryCode(code)) {
      this.add(field, UserErrorCode.INVALID_COUNTRY, `"${code}" is not an ISO 3166-1 alpha-2 country code (e.g. "SE").`);
      return null;
    }
    return code;
  }

  language(field: (string | number)[], value: string): string | null {
    const code = value.trim();
    if (!isLanguageCode(code)) {
      this.add(field, UserErrorCode.INVALID_LANGUAGE, `"${code}" is not an ISO 639-1 language code (e.g. "fr").`);
      return null;
    }
    return code;
  }

  languages(field: (string | number)[], values: string[], max: number): string[] {
    if (values.length > max) this.add(field, UserErrorCode.TOO_MANY, `At most ${max} languages.`);
    const out = values.map((v, i) => this.language([...field, i], v)).filter((v): v is string => v !== null);
    return [...new Set(out)];
  }

  /** Lower-cased, trimmed, de-duplicated tags such as subjects. */
  tags(field: (string | number)[], values: string[], maxItems: number, maxLength: number): string[] {
    if (values.length > maxItems) this.add(field, UserErrorCode.TOO_MANY, `At most ${maxItems} items.`);
    const out: string[] = [];
    values.forEach((v, i) => {
      const t = this.text([...field, i], v, maxLength, true);
      if (t) out.push(t.toLowerCase());
    });
    return [...new Set(out)];
  }

  url(field: (string | number)[], value: string | null | undefined, max: number): string | null {
    const text = this.text(field, value, max, false);
    if (text && !isURL(text, { protocols: ['http', 'https'], require_protocol: true, require_tld: true })) {
      this.add(field, UserErrorCode.INVALID_URL, `${field.join('.')} must be an absolute http(s) URL.`);
      return null;
    }
    return text;
  }

  email(field: (string | number)[], value: string | null | undefined): string | null {
    const text = this.text(field, value, 320, false);
    if (text && !isEmail(text)) {
      this.add(field, UserErrorCode.INVALID_EMAIL, `${field.join('.')} must be an e-mail address.`);
      return null;
    }
    return text;
  }

  pupilCount(field: (string | number)[], value: number | null | undefined, max: number): void {
    if (value == null) return;
    if (!Number.isInteger(value) || value <= 0 || value > max) {
      this.add(field, UserErrorCode.INVALID_PUPIL_COUNT, `${field.join('.')} must be a whole number from 1 to ${max}.`);
    }
  }

  /** A whole number from min to max (INVALID_VALUE otherwise); null or undefined passes (nothing given). */
  wholeNumber(field: (string | number)[], value: number | null | undefined, min: number, max: number): void {
    if (value != null && (!Number.isInteger(value) || value < min || value > max)) {
      this.add(field, UserErrorCode.INVALID_VALUE, `${field.join('.')} is a whole number from ${min} to ${max}.`);
    }
  }

  date(field: (string | number)[], value: string): boolean {
    if (!isIsoDate(value)) {
      this.add(field, UserErrorCode.INVALID_DATE_RANGE, `${field.join('.')} is not a valid date (YYYY-MM-DD).`);
      return false;
    }
    return true;
  }
}
