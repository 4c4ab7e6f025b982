/**
 * CSV (RFC 4180), pure: one writer with one formula-injection guard and a UTF-8 BOM (./write.ts),
 * and the reader of the registry import (./parse.ts). The writer's output reads back through the
 * reader field for field (the guard's `'` stays part of the field).
 */
export * from './write.js';
export * from './parse.js';
export * from './list.js';
