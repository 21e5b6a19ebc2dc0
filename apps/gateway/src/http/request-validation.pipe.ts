import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { toValidInstance } from '@trm/wire';
import { invalidRequest } from './problems';

const NOT_VALIDATED = new Set<unknown>([String, Boolean, Number, Array, Object]);

/**
 * Checks request bodies and queries with the wire library's validation, the one partners' messages get: limits first
 * (too deep, an array over its limit), every field not defined for its place refused with its name (also one named
 * like `valueOf` or `__proto__`), then the class's rules. Hands the handler the class instance.
 */
export class RequestValidationPipe implements PipeTransform {
  transform(value: unknown, { type, metatype }: ArgumentMetadata): unknown {
    if (type === 'custom' || !metatype || NOT_VALIDATED.has(metatype)) return value;
    const checked = toValidInstance(metatype as new () => object, value === undefined ? {} : value); // no body: {}; null is refused;
    if (!checked.ok) throw invalidRequest(checked.problems);
    return checked.instance;
  }
}
