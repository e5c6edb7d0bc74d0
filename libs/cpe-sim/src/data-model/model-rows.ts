import type { XsdType } from '@acs/cwmp';

// A row: name, type ('object' for objects), value, and W or A below.
export type Row = [name: string, type: XsdType | 'object', value?: string, flags?: '' | 'w' | 'a'];

/** Writable leaf. */
export const W = 'w';
/** Writable object: a table that accepts AddObject, or an instance that DeleteObject may remove. */
export const A = 'a';
