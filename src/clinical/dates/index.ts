export * from './day-number.js';
export * from './fhir-date.js';
export * from './age.js';
export * from './gestational-age.js';
