import type { ListOptions, ListSort, MetadataScalar } from "./store.js";
import { checkShortText, invalid, MAX_NAME_LENGTH } from "./validation.js";

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
/** A token names a few patterns; a list of thousands is a mistake, or an attempt to make the query slow. */
const MAX_PATTERNS = 100;
/** Names granted one by one (share links) can be many more: each is one exact comparison. */
const MAX_NAMES = 10_000;
const MAX_FILTER_KEYS = 20;

/** LIKE wildcards in literal text are escaped (backslash is Postgres' default LIKE escape). */
const literal = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

function checkText(value: unknown, what: string, max = MAX_NAME_LENGTH): void {
  checkShortText(value, what, max);
}

function checkCount(value: number, what: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    invalid(`${what} must be an integer from ${min} to ${max}`);
}

const sortKeys: Record<ListSort, string> = {
  updatedAt: "d.updated_at",
  createdAt: "d.created_at",
  title: "lower(COALESCE(d.metadata ->> 'title', ''))",
};

/**
 * The `WHERE`, `ORDER BY`, `LIMIT` and `OFFSET` of a list query (its
 * parameters numbered from $1), from validated options. Every value is a
 * parameter; only the sort key and direction, picked from fixed tables, are
 * written into the SQL.
 *
 * @throws PersistenceError `invalid-argument` for malformed options.
 */
export function listQuery(options: ListOptions): { clauses: string; params: unknown[] } {
  if (typeof options !== "object" || options === null) invalid("list options must be an object");
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];

  const prefix = options.prefix ?? "";
  checkText(prefix, "prefix");
  where.push(`d.name LIKE ${param(`${literal(prefix)}%`)}`);

  const patterns = (
    list: readonly string[] | undefined,
    what: string,
    toLike: (text: string) => string,
    max = MAX_PATTERNS,
  ) => {
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || list.length > max) invalid(`${what} must be an array of at most ${max}`);
    for (const each of list) checkText(each, `each of ${what}`);
    return param(list.map(toLike));
  };
  const globToLike = (pattern: string) => pattern.split("*").map(literal).join("%");
  const prefixes = patterns(options.prefixes, "prefixes", (text) => `${literal(text)}%`);
  if (prefixes !== undefined) where.push(`d.name LIKE ANY(${prefixes}::text[])`);
  const included = patterns(options.namePatterns, "namePatterns", globToLike);
  const exact = patterns(options.names, "names", (name) => name, MAX_NAMES);
  const readable = [
    ...(included === undefined ? [] : [`d.name LIKE ANY(${included}::text[])`]),
    ...(exact === undefined ? [] : [`d.name = ANY(${exact}::text[])`]),
  ];
  if (readable.length > 0) where.push(`(${readable.join(" OR ")})`);
  const excluded = patterns(options.excludePatterns, "excludePatterns", globToLike);
  if (excluded !== undefined) where.push(`NOT d.name LIKE ANY(${excluded}::text[])`);

  if (options.titleContains !== undefined) {
    checkText(options.titleContains, "titleContains");
    where.push(`COALESCE(d.metadata ->> 'title', '') ILIKE ${param(`%${literal(options.titleContains)}%`)}`);
  }

  if (options.textContains !== undefined) {
    checkText(options.textContains, "textContains");
    const text = param(`%${literal(options.textContains)}%`);
    where.push(`(COALESCE(d.metadata ->> 'title', '') ILIKE ${text} OR d.search_text ILIKE ${text})`);
  }

  const matches = (key: string, value: MetadataScalar, what: string) => {
    checkText(key, "a metadata key", 100);
    const k = param(key);
    if (value === null) return `(d.metadata -> ${k} IS NULL OR d.metadata -> ${k} = 'null'::jsonb)`;
    if (!["string", "number", "boolean"].includes(typeof value)) {
      invalid(`${what}.${key} must be a string, a number, a boolean or null`);
    }
    if (typeof value === "string") checkText(value, `${what}.${key}`, 1000);
    return `COALESCE(d.metadata -> ${k} = ${param(JSON.stringify(value))}::jsonb, false)`;
  };
  const filters = (what: "metadata" | "metadataNot") => {
    const given = options[what];
    if (given === undefined) return [];
    if (typeof given !== "object" || given === null || Array.isArray(given)) invalid(`${what} must be an object`);
    const entries = Object.entries(given);
    if (entries.length > MAX_FILTER_KEYS) invalid(`${what} may filter on at most ${MAX_FILTER_KEYS} keys`);
    return entries.map(([key, value]) => matches(key, value, what));
  };
  for (const clause of filters("metadata")) where.push(clause);
  for (const clause of filters("metadataNot")) where.push(`NOT ${clause}`);

  const present = options.withMetadata ?? [];
  if (!Array.isArray(present) || present.length > MAX_FILTER_KEYS) {
    invalid(`withMetadata must be an array of at most ${MAX_FILTER_KEYS} keys`);
  }
  for (const key of present) {
    checkText(key, "a metadata key", 100);
    const k = param(key);
    where.push(`(d.metadata -> ${k} IS NOT NULL AND d.metadata -> ${k} <> 'null'::jsonb)`);
  }

  const sort = options.sort ?? "updatedAt";
  if (!Object.hasOwn(sortKeys, sort)) invalid(`sort must be one of ${Object.keys(sortKeys).join(", ")}`);
  const order = options.order ?? "desc";
  if (order !== "asc" && order !== "desc") invalid("order must be asc or desc");
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  checkCount(limit, "limit", 1, MAX_LIST_LIMIT);
  const offset = options.offset ?? 0;
  checkCount(offset, "offset", 0, 1_000_000);

  const clauses =
    `WHERE ${where.join(" AND ")} ORDER BY ${sortKeys[sort]} ${order.toUpperCase()}, d.name ` +
    `LIMIT ${param(limit)} OFFSET ${param(offset)}`;
  return { clauses, params };
}
