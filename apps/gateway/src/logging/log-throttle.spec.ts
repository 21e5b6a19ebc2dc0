import { LogThrottle } from './log-throttle';

describe('LogThrottle', () => {
  it('lets one line per key and interval through, and tells the next one how many it held back', () => {
    let now = 0;
    const throttle = new LogThrottle(1_000, () => now);
    expect([throttle.take('db'), throttle.take('db'), throttle.take('db'), throttle.take('other')]).toEqual([0, null, null, 0]);
    now = 999;
    expect(throttle.take('db')).toBeNull();
    now = 1_000;
    expect([throttle.take('db'), throttle.take('db')]).toEqual([3, null]);
  });
});
