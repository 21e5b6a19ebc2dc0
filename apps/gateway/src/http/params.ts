import { ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { SLUG } from '@trm/wire';
import { invalidRequest } from './problems';

/** A path segment that must be a slug (organisation or role part of an address). */
export class SlugPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (!SLUG.test(value)) throw invalidRequest([{ field: this.field, problem: 'must be a lowercase slug' }]);
    return value;
  }
}

export const uuidParam = (field: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => invalidRequest([{ field, problem: 'must be a UUID' }]) });
