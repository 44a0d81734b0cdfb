/**
 * Text measurement without a layout engine. SVG cannot wrap or measure text, so widths are
 * estimated from DejaVu Sans advance widths (em/100, printable ASCII), one of the widest common
 * sans-serif faces; the fonts listed first (Segoe UI, Helvetica, Arial) are narrower, so a
 * label that fits here fits there. Characters outside ASCII count as a full em (CJK) or more
 * (emoji). The browser test proves the estimate with getBBox.
 */

export type Face = 'sans' | 'bold' | 'mono';

// Advance widths of code points 32..126 in hundredths of an em (measured in Chromium).
// prettier-ignore
const SANS = [32,40,46,84,64,95,78,27,39,39,50,84,32,36,32,34,64,64,64,64,64,64,64,64,64,64,34,34,84,84,84,53,100,68,69,70,77,63,58,77,75,29,29,66,56,86,75,79,60,79,69,63,61,73,68,99,69,61,69,39,34,39,84,50,50,61,63,55,63,62,35,63,63,28,28,58,28,97,63,61,63,63,41,52,39,63,59,82,59,59,52,64,34,64,84];
// prettier-ignore
const BOLD = [35,46,52,84,70,100,87,31,46,46,52,84,38,42,38,37,70,70,70,70,70,70,70,70,70,70,40,40,84,84,84,58,100,77,76,73,83,68,68,82,84,37,37,77,64,100,84,85,73,85,77,72,68,81,77,110,77,72,73,46,37,46,84,50,50,67,72,59,72,68,44,72,71,34,34,67,34,104,71,69,72,72,49,60,48,71,65,92,65,65,58,71,37,71,84];

/** A small safety margin for hinting and kerning differences between renderers. */
const MARGIN = 1.04;

function advance(cp: number, face: Face): number {
  if (face === 'mono') return cp >= 0x1100 ? (cp >= 0x1f000 ? 125 : 100) : 60;
  if (cp >= 32 && cp < 127) return (face === 'bold' ? BOLD : SANS)[cp - 32];
  if (cp >= 0x1f000) return 125;
  return 100;
}

/** Estimated width in pixels of `s` at `size` px. */
export function textWidth(s: string, size: number, face: Face = 'sans'): number {
  let units = 0;
  for (const ch of s) units += advance(ch.codePointAt(0) as number, face);
  return (units / 100) * size * MARGIN;
}

const ELLIPSIS = '…';
/** No label is wider than the canvas, so longer input is cut before measuring (keeps fitting O(width)). */
const MAX_CHARS = 600;

/**
 * `s` shortened with an ellipsis to fit `maxWidth`: at the end (names), at the start (paths,
 * whose end matters most), or in the middle. Never splits a surrogate pair.
 */
export function fitText(
  s: string,
  maxWidth: number,
  size: number,
  face: Face = 'sans',
  cut: 'end' | 'start' | 'middle' = 'end',
): string {
  if (s.length <= MAX_CHARS && textWidth(s, size, face) <= maxWidth) return s;
  const chars = Array.from(s);
  const widths = chars.map((ch) => (advance(ch.codePointAt(0) as number, face) / 100) * size * MARGIN);
  let budget = maxWidth - textWidth(ELLIPSIS, size, face);
  if (budget <= 0) return '';
  if (cut === 'end') {
    let i = 0;
    while (i < chars.length && i < MAX_CHARS && budget - widths[i] >= 0) budget -= widths[i++];
    return chars.slice(0, i).join('') + ELLIPSIS;
  }
  if (cut === 'start') {
    let i = chars.length;
    while (i > 0 && chars.length - i < MAX_CHARS && budget - widths[i - 1] >= 0) budget -= widths[--i];
    return ELLIPSIS + chars.slice(i).join('');
  }
  let head = 0;
  let tail = chars.length;
  let front = true;
  while (head < tail && tail - head > 0 && head + chars.length - tail < MAX_CHARS) {
    const w = front ? widths[head] : widths[tail - 1];
    if (budget - w < 0) break;
    budget -= w;
    if (front) head++;
    else tail--;
    front = !front;
  }
  return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(tail).join('');
}
