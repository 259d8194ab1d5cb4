import { Issue, issue } from './issues';

/**
 * A tiny schema kit: each schema checks an unknown value, records every problem it
 * finds (it never stops at the first) and carries its TypeScript type, so that the
 * YAML/JSON loader and the `ObservabilitySpec` type cannot drift apart
 * (see `spec-schema.ts`, which asserts both directions at compile time).
 */
export interface Schema<T> {
  /** Human description used in type errors: "a string", "a list" … */
  readonly expected: string;
  /** Checks `value`; pushes problems into `issues`; returns true when valid. */
  check(value: unknown, path: string, issues: Issue[]): boolean;
  /** Phantom: the TypeScript type this schema accepts. */
  readonly _type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v;
}

function wrongType(expected: string, value: unknown, path: string, issues: Issue[]): false {
  issues.push(issue(path, `must be ${expected}, not ${typeName(value)}`, value));
  return false;
}

export interface StringRule {
  /** Regular expression the whole value must match. */
  readonly pattern?: RegExp;
  /** How to say the pattern in words, used in the message. */
  readonly patternHint?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export function str(rule: StringRule = {}): Schema<string> {
  return {
    expected: 'a string',
    check(v, path, issues) {
      if (typeof v !== 'string') return wrongType('a string', v, path, issues);
      if (rule.minLength !== undefined && v.length < rule.minLength) {
        issues.push(issue(path, rule.minLength === 1 ? 'must not be empty' : `must be at least ${rule.minLength} characters`, v));
        return false;
      }
      if (rule.maxLength !== undefined && v.length > rule.maxLength) {
        issues.push(issue(path, `must be at most ${rule.maxLength} characters`, v));
        return false;
      }
      if (rule.pattern && !rule.pattern.test(v)) {
        issues.push(issue(path, `must match ${rule.patternHint ?? rule.pattern.source}`, v));
        return false;
      }
      return true;
    },
  };
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export function num(rule: NumberRule = {}): Schema<number> {
  return {
    expected: 'a number',
    check(v, path, issues) {
      if (typeof v !== 'number') return wrongType(rule.integer ? 'an integer' : 'a number', v, path, issues);
      if (Number.isNaN(v)) {
        issues.push(issue(path, 'must be a number, not NaN', v));
        return false;
      }
      if (rule.integer && !Number.isInteger(v)) {
        issues.push(issue(path, 'must be an integer', v));
        return false;
      }
      const lo = rule.min;
      const hi = rule.max;
      if ((lo !== undefined && v < lo) || (hi !== undefined && v > hi)) {
        const range = lo !== undefined && hi !== undefined ? `between ${lo} and ${hi}` : lo !== undefined ? `at least ${lo}` : `at most ${hi}`;
        issues.push(issue(path, `must be ${range}`, v));
        return false;
      }
      return true;
    },
  };
}

export function bool(): Schema<boolean> {
  return {
    expected: 'true or false',
    check(v, path, issues) {
      return typeof v === 'boolean' ? true : wrongType('true or false', v, path, issues);
    },
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return {
    expected: `one of ${values.join(', ')}`,
    check(v, path, issues) {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return true;
      issues.push(issue(path, `must be one of ${values.join(', ')}`, v));
      return false;
    },
  };
}

export function list<T>(item: Schema<T>, rule: { minItems?: number; itemsHint?: string } = {}): Schema<readonly T[]> {
  return {
    expected: 'a list',
    check(v, path, issues) {
      if (!Array.isArray(v)) return wrongType('a list', v, path, issues);
      let ok = true;
      if (rule.minItems !== undefined && v.length < rule.minItems) {
        issues.push(issue(path, `must list at least ${rule.minItems} ${rule.itemsHint ?? 'item'}${rule.minItems === 1 ? '' : 's'}`, v));
        ok = false;
      }
      v.forEach((el, i) => {
        ok = item.check(el, `${path}[${i}]`, issues) && ok;
      });
      return ok;
    },
  };
}

/** A map with free-form keys (each key checked by `key`), e.g. resource attributes. */
export function dict<T>(key: Schema<string>, value: Schema<T>): Schema<Readonly<Record<string, T>>> {
  return {
    expected: 'a map',
    check(v, path, issues) {
      if (!isPlainObject(v)) return wrongType('a map', v, path, issues);
      let ok = true;
      for (const [k, el] of Object.entries(v)) {
        const p = joinPath(path, k);
        ok = key.check(k, p, issues) && ok;
        ok = value.check(el, p, issues) && ok;
      }
      return ok;
    },
  };
}

/** A field of an object schema; optional unless made with {@link required}. */
export interface Field<T, Req extends boolean> {
  readonly schema: Schema<T>;
  readonly required: Req;
}
export function required<T>(schema: Schema<T>): Field<T, true> {
  return { schema, required: true };
}
export function optional<T>(schema: Schema<T>): Field<T, false> {
  return { schema, required: false };
}

type Fields = Record<string, Field<unknown, boolean>>;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends Field<unknown, true> ? K : never }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;
type FieldType<F> = F extends Field<infer T, boolean> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<F extends Fields> = Simplify<
  { readonly [K in RequiredKeys<F>]: FieldType<F[K]> } & { readonly [K in OptionalKeys<F>]?: FieldType<F[K]> }
>;

/** An object with known keys; unknown keys are problems (with a suggestion for typos). */
export function obj<F extends Fields>(fields: F): Schema<ObjectOf<F>> {
  const known = Object.keys(fields);
  return {
    expected: 'a map',
    check(v, path, issues) {
      if (!isPlainObject(v)) return wrongType('a map', v, path, issues);
      let ok = true;
      for (const k of Object.keys(v)) {
        if (!known.includes(k)) {
          const near = closest(k, known);
          issues.push(issue(joinPath(path, k), `unknown key${near ? `, did you mean '${near}'?` : `; known keys: ${known.join(', ')}`}`, v[k]));
          ok = false;
        }
      }
      for (const [k, f] of Object.entries(fields)) {
        const el = v[k];
        if (el === undefined || el === null) {
          if (f.required) {
            issues.push(issue(joinPath(path, k), 'is required'));
            ok = false;
          }
          continue;
        }
        ok = f.schema.check(el, joinPath(path, k), issues) && ok;
      }
      return ok;
    },
  };
}

/** Adds a rule that runs only when the base schema accepted the value. */
export function refine<T>(base: Schema<T>, rule: (v: T, path: string, issues: Issue[]) => void): Schema<T> {
  return {
    expected: base.expected,
    check(v, path, issues) {
      if (!base.check(v, path, issues)) return false;
      const before = issues.length;
      rule(v as T, path, issues);
      return issues.length === before;
    },
  };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `a.b`, `a["odd key"]`: keys that are not identifiers are quoted so paths stay unambiguous. */
export function joinPath(base: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_.\/-]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** The known key nearest to a typo, when it is near enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Optimal-string-alignment distance: a swap of two neighbours (servcies → services) is one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
