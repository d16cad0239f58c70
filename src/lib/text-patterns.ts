// C0 and C1 control characters and DEL: PostgreSQL refuses NUL, and none of them belongs in text a
// person wrote. Multi-line text keeps tab and line breaks.

/** A string on one line: no control characters at all. */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';

/** Multi-line text: tab, line feed and carriage return allowed, no other control character. */
export const MULTI_LINE_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';
