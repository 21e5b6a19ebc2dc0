import { isUUID } from 'class-validator';
import { sampleStaffId } from './sample-staff';

describe('sampleStaffId', () => {
  it('names the same person for the same address on every start and every machine, a different one per address', () => {
    expect(sampleStaffId('AT/bmi-thb/coordination')).toBe('9ad1cb02-44bd-8091-a783-c65359a0cda1');
    expect(sampleStaffId('AT/bmi-thb/coordination')).toBe(sampleStaffId('AT/bmi-thb/coordination'));
    expect(sampleStaffId('RS/bmi-thb/coordination')).not.toBe(sampleStaffId('AT/bmi-thb/coordination'));
    expect(isUUID(sampleStaffId('RS/astra/return-support'))).toBe(true);
  });
});
