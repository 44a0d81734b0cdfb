import { syntheticModel } from './synthetic.js';

/** Names that try to break out of SVG text, for the safety tests. */
export const HOSTILE = [
  '</text><script>alert(1)</script>',
  '"><script>alert(2)</script><text x="',
  "' onload='alert(3)",
  '<svg onload=alert(4)>',
  '&amp; & &lt; &#x3C; &unknown;',
  ']]><![CDATA[<script>alert(5)</script>]]>',
  '<!-- comment --><?xml-stylesheet href="x"?>',
  'ctrl\u0000\u0001\u0007\u0008\u000B\u000C\u001B[31m\u007F\u0085 chars',
  'bidi \u202Egnp.exe\u202C and \u2066isolate\u2069',
  'lone \uD800 and \uDFFF surrogates, \uFFFE\uFFFF',
  'multi\nline\r\nname\twith tab',
  'emoji 😀🧠 and CJK 内存分析 and RTL مرحبا',
  `very_long_${'x'.repeat(5000)}_name`,
  '<a href="javascript:alert(6)">link</a>',
  '<foreignObject><iframe src="https://example.com"/></foreignObject>',
  'style="fill:url(javascript:alert(7))"',
  '',
];

export const hostile = (i: number) => HOSTILE[i % HOSTILE.length];

/** A synthetic session whose values, scopes, types, functions and files all have hostile names. */
export function hostileModel(values = 60, name = HOSTILE[0]) {
  return syntheticModel({
    values,
    name,
    names: {
      value: hostile,
      scope: (i) => hostile(i + 3),
      type: (i) => hostile(i + 5),
      fn: hostile,
      url: (i) => hostile(i + 7),
    },
  });
}
