/**
 * A strict, small XML parser for the tests: it accepts the well-formed XML 1.0 that the SVG
 * reports use (declaration, elements, attributes, text, character and the five predefined
 * entity references, comments) and throws on anything else, so a test can say "parses as XML".
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// Characters XML 1.0 forbids anywhere in a document.
const INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(s: string, at: number): string {
  return s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & near ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const hex = /^#x([0-9a-fA-F]+)$/.exec(ref);
    const dec = /^#([0-9]+)$/.exec(ref);
    if (hex) return String.fromCodePoint(Number.parseInt(hex[1], 16));
    if (dec) return String.fromCodePoint(Number(dec[1]));
    throw new Error(`unknown entity ${m} near ${at}`);
  });
}

export function parseXml(doc: string): XmlElement {
  const bad = INVALID.exec(doc);
  if (bad) throw new Error(`character U+${bad[0].charCodeAt(0).toString(16)} not allowed in XML at ${bad.index}`);
  let i = 0;
  const skipSpace = () => {
    while (i < doc.length && /\s/.test(doc[i])) i++;
  };
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(doc);
    if (!m) throw new Error(`name expected at ${i}: ${JSON.stringify(doc.slice(i, i + 20))}`);
    i += m[0].length;
    return m[0];
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new Error('unterminated declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < doc.length) {
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (doc.startsWith('</', i)) {
      i += 2;
      const n = name();
      skipSpace();
      if (doc[i] !== '>') throw new Error(`> expected at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== n) throw new Error(`</${n}> does not close <${open?.name}> at ${i}`);
    } else if (doc[i] === '<') {
      i++;
      const el: XmlElement = { name: name(), attrs: {}, children: [] };
      for (;;) {
        const before = i;
        skipSpace();
        if (doc.startsWith('/>', i) || doc[i] === '>') break;
        if (i === before) throw new Error(`space expected between attributes at ${i}`);
        const a = name();
        skipSpace();
        if (doc[i] !== '=') throw new Error(`= expected at ${i}`);
        i++;
        skipSpace();
        const q = doc[i];
        if (q !== '"' && q !== "'") throw new Error(`quote expected at ${i}`);
        const end = doc.indexOf(q, i + 1);
        if (end < 0) throw new Error('unterminated attribute');
        const raw = doc.slice(i + 1, end);
        if (raw.includes('<')) throw new Error(`< in attribute ${a} at ${i}`);
        if (a in el.attrs) throw new Error(`duplicate attribute ${a} at ${i}`);
        el.attrs[a] = decode(raw, i);
        i = end + 1;
      }
      if (stack.length === 0) {
        if (root) throw new Error('more than one root element');
        root = el;
      } else stack[stack.length - 1].children.push(el);
      if (doc.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = doc.indexOf('<', i);
      const raw = doc.slice(i, end < 0 ? doc.length : end);
      if (raw.includes(']]>')) throw new Error(']]> in text');
      if (stack.length === 0) {
        if (raw.trim()) throw new Error(`text outside the root at ${i}`);
      } else stack[stack.length - 1].children.push(decode(raw, i));
      i += raw.length;
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

export function* elements(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) if (typeof c !== 'string') yield* elements(c);
}

/** The text of an element and its descendants, without <title> tooltips. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : c.name === 'title' ? '' : textOf(c))).join('');
}

/** Texts of every <text> element under `el`, in document order. */
export function texts(el: XmlElement): string[] {
  const out: string[] = [];
  for (const e of elements(el)) if (e.name === 'text') out.push(textOf(e));
  return out;
}

export function byId(root: XmlElement, id: string): XmlElement {
  for (const e of elements(root)) if (e.attrs.id === id) return e;
  throw new Error(`no element with id ${id}`);
}

export function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  for (const e of elements(root)) if (pred(e)) out.push(e);
  return out;
}
