/**
 * The same characters in a string of their own. V8 makes a slice of 13 or more characters a view
 * into its parent, which then lives as long as the slice: a word kept from one version of an open
 * document would keep that version's whole text. Long-lived caches keep copies instead.
 */
export function ownCopy(text: string): string {
  // Concatenation then a slice flattens into a new string just long enough for `text`.
  return text.length < 13 ? text : (' ' + text).slice(1);
}
