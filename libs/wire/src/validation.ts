import 'reflect-metadata';
import { Type, plainToInstance } from 'class-transformer';
import {
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidationError,
  ValidationOptions,
  getMetadataStorage,
  registerDecorator,
  validateSync,
} from 'class-validator';
import { COUNTRIES, LANGUAGES } from './codes';
import { isAddress, isCaseRef, isNodeId } from './address';
import { MAX_JSON_DEPTH } from './profile';

// Where class-transformer keeps what `@Type` declares; Nest's mapped types read it the same way. Not exported from
// its entry point, so it is required from the CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

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
 * An array of objects, each validated with `cls`. An item that is itself an array is refused at its own path ("must
 * be an object"; see `checkShape`).
 */
export function ValidateNestedEach(cls: () => new () => object): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    ValidateNested({ each: true })(target, propertyName);
    Type(cls)(target, propertyName);
  };
}

const VALIDATE_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/**
 * Validates a plain JSON value against a class-validator class; unknown fields are problems, never ignored. The
 * limits are checked first (`checkShape`): a value nested too deep or with an array over its limit gets only that
 * problem and never reaches class-transformer or class-validator, nor do fields not defined for their place.
 */
export function validatePlain<T extends object>(cls: new () => T, value: unknown, prefix = ''): Problem[] {
  const checked = toValidInstance(cls, value, prefix);
  return checked.ok ? [] : checked.problems;
}

/** `validatePlain`, giving the instance of `cls` made of a valid value. */
export function toValidInstance<T extends object>(
  cls: new () => T,
  value: unknown,
  prefix = '',
): { ok: true; instance: T } | { ok: false; problems: Problem[] } {
  const shape = checkShape(cls, value, prefix);
  if (!shape.instance) return { ok: false, problems: shape.problems };
  const problems = [...shape.problems, ...flattenValidationErrors(validateSync(shape.instance, VALIDATE_OPTIONS), prefix)];
  return problems.length ? { ok: false, problems } : { ok: true, instance: shape.instance as T };
}

/**
 * Whether a JSON value nests objects and arrays deeper than `max` levels, the value itself being level 1. A loop,
 * not a recursion: a hostile value cannot exhaust the stack.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[object, number]> = isContainer(value) ? [[value, 1]] : [];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (isContainer(child)) stack.push([child, depth + 1]);
  }
  return false;
}

const isContainer = (v: unknown): v is object => v !== null && typeof v === 'object';

/**
 * `nestedDeeperThan` for JSON text not yet parsed: counts brackets outside strings, so that a text nested too deep
 * is refused without the cost of parsing it. Gives the top-level key the nesting is under (`(root)` when there is
 * none), or null when the text is within `max`.
 */
export function jsonTextDeeperThan(text: Uint8Array, max: number): string | null {
  let depth = 0;
  let key: [number, number] = [0, 0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === 0x22) {
      const start = i;
      for (i++; i < text.length && text[i] !== 0x22; i++) if (text[i] === 0x5c) i++;
      if (depth === 1) key = [start, i + 1];
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return keyName(text.subarray(key[0], key[1]));
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}

const keyName = (quoted: Uint8Array): string => {
  try {
    return quoted.length ? (JSON.parse(Buffer.from(quoted).toString('utf8')) as string) : '(root)';
  } catch {
    return '(root)';
  }
};

const join = (prefix: string, key: string): string => (prefix ? `${prefix}.${key}` : key);

/**
 * The limits of revision 2 and the fields of `cls`, checked on the plain value before anything else touches it:
 * nesting deeper than `MAX_JSON_DEPTH`, an array longer than its `@ArrayMaxSize` (before any of its items), a key that
 * is not a field of its class (looked up in a `Map`, so that names such as `valueOf` or `__proto__` are unknown like
 * any other). Within the limits, `instance` is the value as an instance of `cls` without its unknown fields, for
 * class-validator to check the rest.
 *
 * The instance is built class by class along `@Type`: class-transformer converts each object's own primitive fields
 * (`@Type(() => Number)` of a query) but never sees JSON without a class of its own (a code list, a JWKS, a case
 * message's body), which is kept as sent — class-transformer would take an own `constructor` key in it for the class
 * to build, and throw.
 */
export function checkShape(cls: new () => object, value: unknown, prefix = ''): { problems: Problem[]; instance?: object } {
  if (!isPlain(value)) return { problems: [{ field: prefix || '(root)', problem: 'must be a JSON object' }] };
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    const key = Object.keys(value).find((k) => nestedDeeperThan(value[k], MAX_JSON_DEPTH - 1));
    const field = key === undefined ? prefix || '(root)' : join(prefix, key);
    return { problems: [{ field, problem: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }] };
  }
  const unknown: Problem[] = [];
  let unknownCount = 0;
  const overLimit: Problem[] = [];
  const build = (cls: new () => object, object: Plain, path: string): object => {
    const fields = fieldsOf(cls);
    const own: Plain = {};
    const nested: Array<[string, unknown]> = [];
    for (const key of Object.keys(object)) {
      const field = join(path, key);
      const shape = fields.get(key);
      const v = object[key];
      if (!shape) {
        if (++unknownCount <= MAX_UNKNOWN_NAMED) unknown.push({ field, problem: 'is not a known field' });
      } else if (Array.isArray(v) && shape.maxItems !== undefined && v.length > shape.maxItems) {
        overLimit.push({ field, problem: `must not hold more than ${shape.maxItems} items` });
      } else if (shape.nested && Array.isArray(v)) {
        // class-validator would accept an item that is itself an array of valid objects: null is refused at its path.
        const item = (x: unknown, i: number) => (isPlain(x) ? build(shape.nested!, x, `${field}.${i}`) : Array.isArray(x) ? null : x);
        nested.push([key, v.map(item)]);
      } else if (shape.nested && isPlain(v)) nested.push([key, build(shape.nested, v, field)]);
      else if (isContainer(v)) nested.push([key, v]);
      else own[key] = v;
    }
    const instance = plainToInstance(cls, own) as Plain;
    for (const [key, v] of nested) instance[key] = v;
    return instance;
  };
  const instance = build(cls, value, prefix);
  if (unknownCount > MAX_UNKNOWN_NAMED) {
    unknown.push({ field: prefix || '(root)', problem: `has ${unknownCount - MAX_UNKNOWN_NAMED} more fields that are not known` });
  }
  return overLimit.length ? { problems: overLimit } : { problems: unknown, instance };
}

/** Unknown fields named one by one; more are counted (tens of thousands of problems would only cost time). */
const MAX_UNKNOWN_NAMED = 64;

interface FieldShape {
  /** The class of a nested object (or of an array's items), from `@Type`. */
  nested?: new () => object;
  /** From `@ArrayMaxSize`. */
  maxItems?: number;
}

const FIELD_SHAPES = new WeakMap<object, Map<string, FieldShape>>();

/** The fields of a class: every property with a class-validator decorator, its own or inherited. */
function fieldsOf(cls: new () => object): Map<string, FieldShape> {
  let fields = FIELD_SHAPES.get(cls);
  if (fields) return fields;
  fields = new Map();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false)) {
    const shape = fields.get(m.propertyName) ?? {};
    if (m.name === 'arrayMaxSize') shape.maxItems = m.constraints[0] as number;
    fields.set(m.propertyName, shape);
  }
  for (const [name, shape] of fields) {
    const type = defaultMetadataStorage.findTypeMetadata(cls, name);
    if (type) shape.nested = type.typeFunction() as new () => object;
  }
  FIELD_SHAPES.set(cls, fields);
  return fields;
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
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** Half of a UTF-16 surrogate pair without its other half: not a character, stored as U+FFFD by PostgreSQL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * A free-text string (a name, a title): no control characters, no lone surrogates. Whether it is a string is
 * `IsString`'s to say.
 */
export const isText = (value: unknown): boolean => typeof value !== 'string' || !(CONTROL_CHARACTER.test(value) || LONE_SURROGATE.test(value));

export const IsText = simple('isText', isText, 'must not contain control characters or broken Unicode');
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
