/* Names of the malformed-input reasons: text for people, keys for JSON. */
#include "decode/layers.h"

static const char *const reason_text[DEC_R_MAX] = {
	[DEC_OK] = "ok",
#define X(name, text) [DEC_R_##name] = text,
	DEC_REASONS(X)
#undef X
};

/* Keys are the enum names lowercased ("IP4_IHL" -> "ip4_ihl"); spelled out
 * by the X-macro so they cannot drift from the enum. */
static const char *const reason_key[DEC_R_MAX] = {
	[DEC_OK] = "ok",
#define X(name, text) [DEC_R_##name] = #name,
	DEC_REASONS(X)
#undef X
};

const char *dec_reason_text(int reason)
{
	if (reason < 0)
		reason = -reason;	/* HTTP parsers return -DEC_R_* */
	if (reason >= DEC_R_MAX)
		return "unknown reason";
	return reason_text[reason];
}

static char keys[DEC_R_MAX][24];

/* Lowercased once at load time (a constructor, so threads never race on it). */
__attribute__((constructor)) static void reason_keys_init(void)
{
	for (int r = 0; r < DEC_R_MAX; r++) {
		const char *s = reason_key[r];
		size_t i = 0;
		for (; s[i] && i < sizeof keys[r] - 1; i++)
			keys[r][i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
		keys[r][i] = 0;
	}
}

const char *dec_reason_key(int reason)
{
	if (reason < 0)
		reason = -reason;
	if (reason >= DEC_R_MAX)
		return "unknown";
	return keys[reason];
}
