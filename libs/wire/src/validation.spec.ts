import { Type } from 'class-transformer';
import { IsArray, IsObject, IsString, ValidateNested } from 'class-validator';
import { ValidateNestedEach, isIsoDate, isTimestamp, validatePlain } from './validation';

describe('isIsoDate', () => {
  it.each<[unknown, boolean]>([
    ['2026-11-20', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['2026-00-10', false],
    ['2026-1-5', false],
    ['2026-11-20T00:00:00Z', false],
    ['20.11.2026', false],
    [20261120, false],
    [null, false],
  ])('%j -> %s', (value, valid) => {
    expect(isIsoDate(value)).toBe(valid);
  });
});

describe('isTimestamp', () => {
  it.each<[unknown, boolean]>([
    ['2026-11-22T10:15:00Z', true],
    ['2026-11-22T10:15:00.123Z', true],
    ['2026-11-22T11:15:00+01:00', true],
    ['2026-11-22T10:15:00', false],
    ['2026-11-22 10:15:00Z', false],
    ['2026-11-22', false],
    ['2026-02-30T10:15:00Z', false],
    ['2026-11-22T25:15:00Z', false],
    [Date.UTC(2026, 10, 22), false],
  ])('%j -> %s', (value, valid) => {
    expect(isTimestamp(value)).toBe(valid);
  });
});

describe('validatePlain', () => {
  class Named {
    @IsString() name!: string;
  }

  it('accepts a matching object', () => {
    expect(validatePlain(Named, { name: 'x' }, 'body')).toEqual([]);
  });

  it('names unknown fields as problems with their path instead of dropping them', () => {
    expect(validatePlain(Named, { name: 'x', extra: 'y' }, 'body')).toEqual([{ field: 'body.extra', problem: 'is not a known field' }]);
  });

  it('strips the property name from messages, which name the rule', () => {
    expect(validatePlain(Named, { name: 7 })).toEqual([{ field: 'name', problem: 'must be a string' }]);
  });

  it.each([null, [], 'x', 1])('refuses a root that is not an object (%j)', (value) => {
    expect(validatePlain(Named, value, 'sealed')).toEqual([{ field: 'sealed', problem: 'must be a JSON object' }]);
    expect(validatePlain(Named, value)).toEqual([{ field: '(root)', problem: 'must be a JSON object' }]);
  });
});

describe('flattenValidationErrors', () => {
  class Item {
    @IsString() name!: string;
  }
  class Holder {
    @IsObject() @ValidateNested() @Type(() => Item) one!: Item;
    @IsArray() @ValidateNestedEach(() => Item) many!: Item[];
    @IsArray() @ValidateNested({ each: true }) @Type(() => Item) loose!: Item[];
  }
  const valid = () => ({ one: { name: 'x' }, many: [{ name: 'x' }], loose: [{ name: 'x' }] });

  it('reports nothing below a value of the wrong shape', () => {
    expect(validatePlain(Holder, { ...valid(), one: [{ name: 7 }], many: { name: 7 }, loose: { name: 7 } })).toEqual([
      { field: 'one', problem: 'must be an object' },
      { field: 'many', problem: 'must be an array' },
      { field: 'loose', problem: 'must be an array' },
    ]);
  });

  it('refuses each item that is not an object at its own path, arrays of valid items included', () => {
    const many = [{ name: 'x' }, 'x', null, [{ name: 7 }], [{ name: 'x' }], []];
    expect(validatePlain(Holder, { ...valid(), many })).toEqual([1, 2, 3, 4, 5].map((i) => ({ field: `many.${i}`, problem: 'must be an object' })));
    expect(validatePlain(Holder, { ...valid(), loose: [[{ name: 7 }], 5] })).toEqual([
      { field: 'loose.0', problem: 'must be an object' },
      { field: 'loose.1', problem: 'must be an object' },
    ]);
  });
});
