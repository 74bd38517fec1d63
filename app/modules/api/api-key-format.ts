/** `eipp_` + 40 base64url characters (30 random bytes, 240 bits). */
export const API_KEY_PATTERN = /^eipp_[A-Za-z0-9_-]{40}$/;
/** The characters of a key kept in clear to recognise it in lists ("eipp_" + 7). */
export const API_KEY_PREFIX_LENGTH = 12;

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX_LENGTH);
}
