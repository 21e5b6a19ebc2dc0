import 'reflect-metadata';
import { Transform, Type, plainToInstance } from 'class-transformer';
import {
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidationError,
  ValidationOptions,
  registerDecorator,
  validateSync,
} from 'class-validator';
import { COUNTRIES, LANGUAGES } from './codes';
import { isAddress, isCaseRef, isNodeId } from './address';

/** One thing wrong with a message, named by its JSON path (e.g. `body.person.ageGroup`). */
export interface Problem {
  field: string;
  problem: string;
}

export type Plain = Record<string, unknown>;
/** A JSON object: not null, not an array. */
export const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Optional means absent: `null` is not a value of an optional body field. */
export const Optional = () => ValidateIf((_o: object, value: unknown) => value !== undefined);

/**
 * An array of objects, each validated with `cls`. class-validator would accept an item that is itself an array of
 * valid objects; such an item is replaced by `null`, so that it is refused at its own path ("must be an object").
 */
export function ValidateNestedEach(cls: () => new () => object): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    ValidateNested({ each: true })(target, propertyName);
    Type(cls)(target, propertyName);
    Transform(({ value }) => (Array.isArray(value) ? value.map((item) => (Array.isArray(item) ? null : item)) : value))(
      target,
      propertyName,
    );
  };
}

const VALIDATE_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** Validates a plain JSON value against a class-validator class; unknown fields are problems, never ignored. */
export function validatePlain<T extends object>(cls: new () => T, value: unknown, prefix = ''): Problem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ field: prefix || '(root)', problem: 'must be a JSON object' }];
  }
  const instance = plainToInstance(cls, value);
  return flattenValidationErrors(validateSync(instance, VALIDATE_OPTIONS), prefix);
}

/** Constraints that refuse a value's shape: what class-validator found below such a value is not reported. */
const SHAPE_CONSTRAINTS = ['isObject', 'isArray', 'nestedValidation'];

/**
 * Turns class-validator's error tree into a flat list of field paths. Messages name the rule, never the value,
 * so a problem can be logged or returned without leaking what was sent.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): Problem[] {
  const out: Problem[] = [];
  const walk = (list: ValidationError[], path: string) => {
    for (const e of list) {
      const field = path ? `${path}.${e.property}` : e.property;
      const names = Object.keys(e.constraints ?? {});
      // An item of an array of objects (`ValidateNested({ each: true })`) that is not an object.
      if (/^\d+$/.test(e.property) && (Array.isArray(e.value) || names.includes('nestedValidation'))) {
        out.push({ field, problem: 'must be an object' });
        continue;
      }
      for (const message of Object.values(e.constraints ?? {})) {
        out.push({ field, problem: stripLeadingProperty(message, e.property) });
      }
      if (e.children?.length && !names.some((n) => SHAPE_CONSTRAINTS.includes(n))) walk(e.children, field);
    }
  };
  walk(errors, prefix);
  return out;
}

function stripLeadingProperty(message: string, property: string): string {
  if (message.startsWith(`property ${property} `)) return 'is not a known field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** A property decorator for one rule; `message` follows the property's name. */
export function simple(name: string, test: (value: unknown, args: ValidationArguments) => boolean, message: string) {
  return (options?: ValidationOptions) =>
    (target: object, propertyName: string): void =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message: `${propertyName} ${message}`, ...options },
        validator: { validate: test },
      });
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export const isIsoDate = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
};
export const isTimestamp = (value: unknown): boolean =>
  typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)) && isIsoDate(value.slice(0, 10));

/** C0 and C1 control characters and DEL: no name or title holds one, and PostgreSQL refuses NUL in text. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** A free-text string (a name, a title): no control characters. Whether it is a string is `IsString`'s to say. */
export const isText = (value: unknown): boolean => typeof value !== 'string' || !CONTROL_CHARACTER.test(value);

export const IsText = simple('isText', isText, 'must not contain control characters');
export const IsIsoDate = simple('isIsoDate', isIsoDate, 'must be an ISO date (YYYY-MM-DD)');
export const IsTimestamp = simple('isTimestamp', isTimestamp, 'must be an RFC 3339 timestamp with time zone');
export const IsCountry = simple(
  'isCountry',
  (v) => v === 'unknown' || (typeof v === 'string' && COUNTRIES.has(v)),
  'must be an ISO 3166-1 alpha-2 code (XK for Kosovo) or "unknown"',
);
export const IsLanguage = simple('isLanguage', (v) => typeof v === 'string' && LANGUAGES.has(v), 'must contain ISO 639-1 codes');
export const IsAddress = simple('isAddress', isAddress, 'must be an address <node>/<organisation>/<role>');
export const IsNodeId = simple('isNodeId', isNodeId, 'must be a node id such as "RS" or "RS-ASTRA"');
export const IsCaseRef = simple('isCaseRef', isCaseRef, 'must match ^[A-Z]{2}[A-Z0-9-]{3,40}$');
