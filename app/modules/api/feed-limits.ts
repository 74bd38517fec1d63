export const FEED_DEFAULT_LIMIT_DOC = 100;
export const FEED_MAX_LIMIT_DOC = 500;
