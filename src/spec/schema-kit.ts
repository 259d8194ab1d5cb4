import { Issue, issue } from './issues';

/**
 * A tiny schema kit: each schema checks an unknown value, records every problem it
 * finds (it never stops at the first) and carries its TypeScript type, so that the
 * YAML/JSON loader and the `ObservabilitySpec` type cannot drift apart
 * (see `spec-schema.ts`, which asserts both directions at compile time). Each schema also
 * describes itself as JSON Schema, so editors check the same file format (`npm run schema`).
 *
 * Why not zod 4 (`z.toJSONSchema`) or TypeBox: both would need an error map rewriting every
 * message the tests pin (a "did you mean" per unknown key, `must be a map, not a list`), null
 * treated as absent on every optional field, and cross-field rules that still run on an invalid
 * spec; and either would become a runtime dependency of the package, for ~100 lines saved.
 */
export interface Schema<T> {
  /** Human description used in type errors: "a string", "a list" … */
  readonly expected: string;
  /** Checks `value`; pushes problems into `issues`; returns true when valid. */
  check(value: unknown, path: string, issues: Issue[]): boolean;
  /**
   * This schema as JSON Schema (draft 2020-12, using only keywords that mean the same in
   * draft-07, which editors implement), with the annotations `docs` supplies. A rule JSON Schema
   * cannot state (a `refine`) becomes a `$comment`, never an approximation.
   */
  toJsonSchema(docs?: JsonSchemaDocs): JsonSchema;
  /** Phantom: the TypeScript type this schema accepts. */
  readonly _type?: T;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
/** A JSON Schema object: keywords in the order they are written out. */
export type JsonSchema = { [keyword: string]: JsonValue };

/**
 * Annotations for a schema and its children, supplied by whoever generates the JSON Schema
 * (scripts/json-schema.ts reads them from the JSDoc of src/spec/types.ts): the kit places
 * them, it does not hold documentation of its own.
 */
export interface JsonSchemaDocs {
  /** Keywords for this node (`title`, `description`, `default`), written before the others. */
  readonly annotations: JsonSchema;
  /** The docs of an object's field. */
  field(key: string): JsonSchemaDocs | undefined;
  /** The docs of a list's items. */
  item(): JsonSchemaDocs | undefined;
  /** The docs of a map's values. */
  value(): JsonSchemaDocs | undefined;
}

/** The JSON Schema keywords a schema may emit: each means the same in draft-07 and 2020-12. */
export const JSON_SCHEMA_KEYWORDS = [
  '$schema', '$comment', 'title', 'description', 'default',
  'type', 'enum', 'minLength', 'maxLength', 'pattern', 'patternErrorMessage', 'minimum', 'maximum',
  'items', 'minItems', 'maxItems', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf',
] as const;

/**
 * A field the loader treats as absent when it is null (YAML `key:` without a value) must
 * accept null in JSON Schema too.
 */
function nullable(s: JsonSchema): JsonSchema {
  if (typeof s.type === 'string' || Array.isArray(s.type)) {
    const out: JsonSchema = { ...s, type: [...(Array.isArray(s.type) ? s.type : [s.type]), 'null'] };
    if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
    return out;
  }
  if (Array.isArray(s.enum)) return { ...s, enum: [...s.enum, null] };
  return { anyOf: [s, { type: 'null' }] };
}

/** `refine` rules, in words, as `$comment`s (several rules on one node are joined). */
function withComment(s: JsonSchema, note: string): JsonSchema {
  return { ...s, $comment: typeof s.$comment === 'string' ? `${s.$comment} ${note}` : note };
}

/** A pattern as JSON Schema says it: ECMA-262 source, no flags (validators add `u`). */
function patternSource(re: RegExp): string {
  if (re.flags !== '') throw new Error(`/${re.source}/${re.flags}: JSON Schema patterns take no flags; write the pattern without them`);
  return re.source;
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
    toJsonSchema: (docs) => ({
      ...docs?.annotations,
      type: 'string',
      ...(rule.minLength !== undefined && { minLength: rule.minLength }),
      ...(rule.maxLength !== undefined && { maxLength: rule.maxLength }),
      ...(rule.pattern && { pattern: patternSource(rule.pattern), patternErrorMessage: `must match ${rule.patternHint ?? rule.pattern.source}` }),
    }),
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
    toJsonSchema: (docs) => ({
      ...docs?.annotations,
      type: rule.integer ? 'integer' : 'number',
      ...(rule.min !== undefined && { minimum: rule.min }),
      ...(rule.max !== undefined && { maximum: rule.max }),
    }),
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
    toJsonSchema: (docs) => ({ ...docs?.annotations, type: 'boolean' }),
    check(v, path, issues) {
      return typeof v === 'boolean' ? true : wrongType('true or false', v, path, issues);
    },
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return {
    expected: `one of ${values.join(', ')}`,
    toJsonSchema: (docs) => ({ ...docs?.annotations, enum: [...values] }),
    check(v, path, issues) {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return true;
      issues.push(issue(path, `must be one of ${values.join(', ')}`, v));
      return false;
    },
  };
}

export interface ListRule {
  readonly minItems?: number;
  /** At most this many items; beyond it the items themselves are not checked (the list is refused whole). */
  readonly maxItems?: number;
  /** Why there is a maximum: said in the message. */
  readonly maxReason?: string;
  /** What one item is, for the messages (`service`). */
  readonly itemsHint?: string;
}

export function list<T>(item: Schema<T>, rule: ListRule = {}): Schema<readonly T[]> {
  const items = (n: number): string => `${rule.itemsHint ?? 'item'}${n === 1 ? '' : 's'}`;
  return {
    expected: 'a list',
    toJsonSchema: (docs) => ({
      ...docs?.annotations,
      type: 'array',
      items: item.toJsonSchema(docs?.item()),
      ...(rule.minItems !== undefined && { minItems: rule.minItems }),
      ...(rule.maxItems !== undefined && { maxItems: rule.maxItems }),
    }),
    check(v, path, issues) {
      if (!Array.isArray(v)) return wrongType('a list', v, path, issues);
      let ok = true;
      if (rule.minItems !== undefined && v.length < rule.minItems) {
        issues.push(issue(path, `must list at least ${rule.minItems} ${items(rule.minItems)}`, v));
        ok = false;
      }
      if (rule.maxItems !== undefined && v.length > rule.maxItems) {
        // refused whole and at once: checking tens of thousands of items first only delays the answer
        issues.push(issue(path, `may list at most ${rule.maxItems} ${items(rule.maxItems)}${rule.maxReason ? `: ${rule.maxReason}` : ''}`, v.length));
        return false;
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
    toJsonSchema: (docs) => ({ ...docs?.annotations, type: 'object', propertyNames: key.toJsonSchema(), additionalProperties: value.toJsonSchema(docs?.value()) }),
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
    toJsonSchema(docs) {
      const properties: JsonSchema = {};
      for (const [k, f] of Object.entries(fields)) {
        const s = f.schema.toJsonSchema(docs?.field(k));
        properties[k] = f.required ? s : nullable(s);
      }
      const req = known.filter((k) => fields[k].required);
      return { ...docs?.annotations, type: 'object', properties, ...(req.length > 0 && { required: req }), additionalProperties: false };
    },
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

/**
 * Adds a rule that runs only when the base schema accepted the value. `note` says the rule in
 * words; the JSON Schema carries it as a `$comment` (and lists it at the top), since JSON
 * Schema cannot state such rules faithfully.
 */
export function refine<T>(base: Schema<T>, rule: (v: T, path: string, issues: Issue[]) => void, note: string): Schema<T> {
  return {
    expected: base.expected,
    toJsonSchema: (docs) => withComment(base.toJsonSchema(docs), note),
    check(v, path, issues) {
      if (!base.check(v, path, issues)) return false;
      const before = issues.length;
      rule(v as T, path, issues);
      return issues.length === before;
    },
  };
}

/**
 * Like {@link refine}, but the rule sees the raw value and runs even when the base schema
 * rejected it, so that cross-field problems (duplicate names) come in the same run as shape
 * problems.
 */
export function refineRaw<T>(base: Schema<T>, rule: (v: unknown, path: string, issues: Issue[]) => void, note: string): Schema<T> {
  return {
    expected: base.expected,
    toJsonSchema: (docs) => withComment(base.toJsonSchema(docs), note),
    check(v, path, issues) {
      const ok = base.check(v, path, issues);
      const before = issues.length;
      rule(v, path, issues);
      return ok && issues.length === before;
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
