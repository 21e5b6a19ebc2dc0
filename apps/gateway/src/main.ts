import { X } from '@trm/wire';
console.log('gateway', X);
