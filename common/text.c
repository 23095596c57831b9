/* Escaping of file and wire text for printing (text.h). */
#include "common/text.h"

/* Continuation bytes 10xxxxxx after a lead byte. */
static int cont(const unsigned char *s, size_t left, unsigned n)
{
	if (left < n)
		return 0;
	for (unsigned i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

/* The code point of a sequence of n bytes (lead byte checked by the caller). */
static uint32_t decode(const unsigned char *s, unsigned n)
{
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];
	for (unsigned i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

static unsigned seq_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;	/* continuation byte, overlong lead C0/C1, or past U+10FFFF */
}

unsigned text_utf8_char(const unsigned char *s, size_t left, uint32_t *cp)
{
	if (!left)
		return 0;
	unsigned n = seq_len(s[0]);
	if (!n || !cont(s, left, n))
		return 0;
	uint32_t c = decode(s, n);
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;	/* overlong, out of range, surrogate */
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return 0;	/* C0, DEL, C1 */
	*cp = c;
	return n;
}

char *text_safe(const char *s, char *dst, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t left = 0, o = 0;
	while (p[left])
		left++;
	if (!cap)
		return dst;
	while (left) {
		uint32_t cp;
		unsigned n = text_utf8_char(p, left, &cp);
		if (n ? o + n >= cap : o + 4 >= cap)
			break;
		if (n) {
			for (unsigned i = 0; i < n; i++)
				dst[o++] = (char)p[i];
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 15];
			n = 1;
		}
		p += n;
		left -= n;
	}
	dst[o] = 0;
	return dst;
}
