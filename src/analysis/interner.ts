/** A string dictionary: each distinct string gets the next index, in first-seen order. */
export function interner(): { strings: string[]; id(s: string): number } {
  const strings: string[] = [];
  const index = new Map<string, number>();
  return {
    strings,
    id(s: string) {
      let i = index.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        index.set(s, i);
      }
      return i;
    },
  };
}
