/**
 * TRM-AMQP/1 wire profile: envelope, signing, verification, receipts and body validation. No framework and no
 * database: a partner node can use this library on its own.
 */
export * from './address';
export * from './amqp';
export * from './bodies';
export * from './codes';
export * from './content';
export * from './digest';
export * from './envelope';
export * from './jws';
export * from './keys';
export * from './profile';
export * from './receipt';
export * from './sealed';
export * from './validation';
