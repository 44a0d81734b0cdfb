/**
 * Making any string safe inside SVG text or an attribute. Names, types, scopes and paths come
 * from the user's program and may hold anything: markup, quotes, control characters that XML
 * 1.0 forbids, lone surrogates, or bidi overrides that would make a label read backwards.
 */

// XML 1.0 forbids C0 controls except tab/newline/CR, lone surrogates, U+FFFE and U+FFFF. C1 controls
// and bidi embeddings/overrides/isolates are legal but invisible or misleading in a label.
const REPLACE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITESPACE = /[\t\n\r]+/g;
const SPECIAL = /[&<>"']/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A label on one line: line breaks become spaces, forbidden or invisible characters become U+FFFD. */
export function cleanText(s: string): string {
  return s.replace(WHITESPACE, ' ').replace(REPLACE, '\uFFFD');
}

/** Escapes markup characters (after cleanText); safe in element content and quoted attributes. */
export function escapeXml(s: string): string {
  return cleanText(s).replace(SPECIAL, (c) => ENTITIES[c]);
}
