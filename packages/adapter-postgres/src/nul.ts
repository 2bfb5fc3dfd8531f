/**
 * PostgreSQL text cannot hold U+0000, but the UserStore and PostStore ports keep display names and post text
 * verbatim. A row whose content contains NUL is therefore stored escaped (`\` as `\\`, NUL as `\0`) with its
 * `nul_escaped` column set; every other row is stored exactly as given, so the flag costs nothing in the common case
 * (the engine's validation refuses control characters before they reach a store). Keys (handles, notification keys)
 * are never escaped: they are refused instead, so lookups stay exact.
 */

/** True when `value` contains NUL. */
export function hasNul(value: string): boolean {
  return value.includes("\u0000");
}

/** `\` -> `\\`, NUL -> `\0`. */
export function escapeNul(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\u0000", "\\0");
}

/** The inverse of {@link escapeNul}. */
export function unescapeNul(value: string): string {
  return value.replace(/\\([\\0])/g, (_, c: string) => (c === "0" ? "\u0000" : "\\"));
}
