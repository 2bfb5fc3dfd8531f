import { FeedError } from "../errors/feed-error.js";

/** Longest post text, in Unicode code points after trimming. */
export const MAX_TEXT_CODE_POINTS = 280;
/** Most media references per post. */
export const MAX_MEDIA = 4;
/** Longest media URL. */
export const MAX_MEDIA_URL_LENGTH = 2048;
/** Longest display name, in code points. */
export const MAX_DISPLAY_NAME_CODE_POINTS = 50;

const HANDLE = /^[A-Za-z0-9_]{1,30}$/;
// C0 controls other than tab, LF and CR, plus DEL: never meaningful in a post and unsafe for several backends.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Counts Unicode code points (not UTF-16 units): an emoji or a CJK character is one, a combining mark is one. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Returns the handle if it is 1-30 of `[A-Za-z0-9_]`, else throws `VALIDATION`. */
export function validateHandle(handle: unknown, field = "handle"): string {
  if (typeof handle !== "string" || !HANDLE.test(handle)) {
    const shown = typeof handle === "string" ? JSON.stringify(handle.slice(0, 40)) : typeof handle;
    throw new FeedError("VALIDATION", `${field} must be 1-30 characters of A-Z, a-z, 0-9 or _ (got ${shown})`, {
      field,
    });
  }
  return handle;
}

function assertCleanString(value: string, field: string): void {
  if (!value.isWellFormed()) {
    throw new FeedError("VALIDATION", `${field} contains an unpaired UTF-16 surrogate`, { field });
  }
  if (CONTROL.test(value)) {
    throw new FeedError("VALIDATION", `${field} contains a control character (such as NUL)`, { field });
  }
}

/** Trims and checks post text: 1-280 code points, well-formed, no control characters. Returns the trimmed text. */
export function validateText(text: unknown): string {
  if (typeof text !== "string") throw new FeedError("VALIDATION", "text must be a string", { field: "text" });
  const trimmed = text.trim();
  assertCleanString(trimmed, "text");
  const length = codePointLength(trimmed);
  if (length === 0) throw new FeedError("VALIDATION", "text is empty after trimming", { field: "text" });
  if (length > MAX_TEXT_CODE_POINTS) {
    throw new FeedError("VALIDATION", `text is ${length} code points; the limit is ${MAX_TEXT_CODE_POINTS}`, {
      field: "text",
    });
  }
  return trimmed;
}

/** Trims and checks a display name (up to 50 code points); empty means "use the handle". */
export function validateDisplayName(name: unknown, handle: string): string {
  if (name === undefined) return handle;
  if (typeof name !== "string") {
    throw new FeedError("VALIDATION", "displayName must be a string", { field: "displayName" });
  }
  const trimmed = name.trim();
  assertCleanString(trimmed, "displayName");
  if (codePointLength(trimmed) > MAX_DISPLAY_NAME_CODE_POINTS) {
    throw new FeedError("VALIDATION", `displayName is longer than ${MAX_DISPLAY_NAME_CODE_POINTS} code points`, {
      field: "displayName",
    });
  }
  return trimmed === "" ? handle : trimmed;
}

/** Checks media references: at most 4 absolute https URLs of at most 2,048 characters. */
export function validateMedia(media: unknown): string[] {
  if (media === undefined) return [];
  if (!Array.isArray(media)) throw new FeedError("VALIDATION", "media must be an array of URLs", { field: "media" });
  if (media.length > MAX_MEDIA) {
    throw new FeedError("VALIDATION", `media has ${media.length} items; at most ${MAX_MEDIA} are allowed`, {
      field: "media",
    });
  }
  return media.map((url, i) => {
    const field = `media[${i}]`;
    if (typeof url !== "string" || url.length > MAX_MEDIA_URL_LENGTH || !URL.canParse(url)) {
      throw new FeedError(
        "VALIDATION",
        `${field} must be an absolute URL of at most ${MAX_MEDIA_URL_LENGTH} characters`,
        {
          field,
        },
      );
    }
    assertCleanString(url, field);
    if (new URL(url).protocol !== "https:") {
      throw new FeedError("VALIDATION", `${field} must use https`, { field });
    }
    return url;
  });
}

/** Checks a page size: an integer from 1 to `max`; `undefined` gives `fallback`. */
export function validateLimit(limit: unknown, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new FeedError("VALIDATION", `limit must be an integer from 1 to ${max} (got ${String(limit)})`, {
      field: "limit",
    });
  }
  return limit;
}

/** Finds `@handle` mentions: handles not preceded or followed by a handle character, deduplicated, in order. */
export function extractMentionHandles(text: string): string[] {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,30})(?![A-Za-z0-9_])/g)) {
    const handle = match[1]!;
    const key = handle.toLowerCase();
    if (!found.has(key)) found.set(key, handle);
  }
  return [...found.values()];
}
