/**
 * Names from the recorded program or a snapshot, printed to a terminal: a newline in a name
 * would forge report lines, an escape sequence would drive the terminal, and a bidi override
 * would reorder what is shown. Such characters are written as escapes, and a name is cut.
 */

// C0 and C1 controls, DEL, the bidi embeddings, overrides and isolates, line and paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function terminalText(s: string, max = 200): string {
  const cut = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return cut.replace(UNSAFE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
