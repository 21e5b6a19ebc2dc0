import { X } from '@trm/wire';
import { jwtVerify } from 'jose';
console.log('trmctl', X, typeof jwtVerify);
