/*
 * str-escape.h - text from outside (a target's comm and region names, the
 * fields of a recording or a trace) made harmless before it is printed.
 *
 * One scheme everywhere: printable text passes unchanged, valid UTF-8
 * included; every other byte is written as \xNN (two lowercase hex
 * digits). "Other" is a C0 control (tab and newline too), DEL, a byte
 * that is not part of valid UTF-8, and every byte of a valid character
 * that a terminal would act on instead of showing: a C1 control
 * (U+0080-U+009F), a line or paragraph separator (U+2028, U+2029) or a
 * bidirectional formatting character (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069). So ESC is \x1b, the C1 CSI (c2 9b) is
 * \xc2\x9b. A backslash is left as it is: the kernel's own "\012" for a
 * newline in a maps name reads as the kernel wrote it.
 *
 * JSON strings follow RFC 8259 with the same classes: controls, DEL and
 * the characters above become \uXXXX, and each byte that is not valid
 * UTF-8 becomes U+FFFD, so the output is always valid UTF-8 and JSON.
 *
 * Widths are terminal columns (wcwidth(3) in the current locale).
 */
#ifndef SDTOP_STR_ESCAPE_H
#define SDTOP_STR_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The largest integer a JSON number carries exactly in every reader
 * (2^53 - 1, a double's integers): larger counts and ids a file claims
 * are refused before they reach a JSON writer.
 */
#define STR_JSON_MAX_INT	((UINT64_C(1) << 53) - 1)

/* Escape every byte outside printable ASCII (a terminal not in UTF-8). */
#define STR_ESCAPE_ASCII	0x1

/*
 * The length (1 to 4) of the valid UTF-8 character at the start of the
 * n bytes at p, its code point in *cp; 0 if they do not start with one
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
size_t	 str_utf8_next(const char *p, size_t n, uint32_t *cp);

/* Whether code point cp is shown as itself by str_escape(). */
bool	 str_printable(uint32_t cp);

/*
 * Escape src into dst, at most size bytes with the NUL, cut only between
 * whole characters or escapes. Returns the length the whole escaped text
 * needs (as snprintf(3) does). A NULL src is the empty string.
 */
size_t	 str_escape(char *dst, size_t size, const char *src, int flags);

/* The escaped text of src, malloc'd; NULL when out of memory. */
char	*str_escape_dup(const char *src, int flags);

/* Write src escaped to f; -1 on a write error. */
int	 str_escape_put(FILE *f, const char *src);

/* Write src as a JSON string, quotes included; -1 on a write error. */
int	 str_json_put(FILE *f, const char *src);

/* The columns a printable UTF-8 string takes on a terminal. */
size_t	 str_width(const char *s);

/*
 * The bytes of the longest start of s that fits in cols columns, never
 * cutting a character; its width in *width when width is not NULL.
 */
size_t	 str_fit(const char *s, size_t cols, size_t *width);

#endif
