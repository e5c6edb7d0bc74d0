import { parseDuration } from './duration';
import { UsageError } from './cli-errors';

/** Typed access to what parseArgs found; wrong values are usage errors naming the option. */
export class ParsedOptions {
  constructor(
    private readonly values: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>,
    /** The command the options belong to, for the usage printed with an error. */
    private readonly usageOf: string,
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** The option's value (the last one when it was given more than once). */
  string(name: string): string | undefined {
    const value = this.values[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    return typeof last === 'string' ? last : undefined;
  }

  /** Every value of a repeatable option, comma-separated lists split: `--type a,b --type c` → [a, b, c]. */
  list(name: string): string[] {
    const value = this.values[name];
    const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return all
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }

  /** Every value of a repeatable option as given (commas kept: a value may hold a list of its own). */
  strings(name: string): string[] {
    const value = this.values[name];
    const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return all.filter((v): v is string => typeof v === 'string');
  }

  integer(name: string, min = 0): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      throw this.usage(`--${name}: "${text}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`);
    }
    return Number(text);
  }

  durationMs(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    try {
      return parseDuration(text, `--${name}`);
    } catch (error) {
      if (error instanceof UsageError) throw this.usage(error.message);
      throw error;
    }
  }

  usage(message: string): UsageError {
    return new UsageError(message, this.usageOf);
  }
}
