/** The user's text with LIKE's special characters (%, _ and the escape character) taken literally. */
const literal = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A "contains" pattern for ILIKE with the user's % and _ taken literally. */
export function containsPattern(term: string): string {
  return `%${literal(term)}%`;
}

/** A "starts with" pattern for LIKE (a b-tree with text_pattern_ops serves it), the user's % and _ taken literally. */
export function prefixPattern(term: string): string {
  return `${literal(term)}%`;
}
