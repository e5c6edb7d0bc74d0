/**
 * `removeOthers` → `remove_others`; parameter paths (`Device.X`) and anything not camelCase are left alone. Field
 * violations name fields as the API spells them (snake_case), whoever the caller.
 */
export function snakeCase(name: string): string {
  return /^[a-z][A-Za-z0-9]*$/.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}
