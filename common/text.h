/* Text that came from a file or the wire, made safe to print.
 *
 * Interface names and comments in a pcapng file, DNS names, HTTP targets:
 * any byte may be there. Printed raw, an escape sequence (ESC [ 2 J) drives
 * the terminal and invalid UTF-8 breaks CSV and JSON readers. Every such
 * string goes through here before it is printed: valid UTF-8 stays as it is,
 * control bytes (C0, DEL, and the C1 controls U+0080..U+009F, which some
 * terminals obey in UTF-8 too) and bytes that are not valid UTF-8 become the
 * four characters \xNN. A backslash stays a backslash: DNS names already
 * carry their own \DDD escapes. */
#ifndef HOPLAT_TEXT_H
#define HOPLAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Room for a string of n bytes escaped whole (each byte at most \xNN). */
#define TEXT_SAFE_CAP(n) ((n) * 4 + 1)

/* The bytes of one printable UTF-8 character at s (left bytes there): 1 to
 * 4, with its code point in *cp; 0 when the byte at s must be escaped (a
 * control, a stray or overlong byte, a surrogate, a cut sequence). */
unsigned text_utf8_char(const unsigned char *s, size_t left, uint32_t *cp);

/* s escaped into dst (cap bytes, always NUL-terminated when cap > 0; an
 * escape is never cut in half). Returns dst, so it can sit in a printf. */
char *text_safe(const char *s, char *dst, size_t cap);

#endif
