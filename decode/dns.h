/* DNS message decoder: header, question, answers, EDNS0.
 * Names checked as Knot's knot_dname_wire_check does: compression pointers
 * strictly backwards, labels at most 63 bytes, names at most 255. */
#ifndef HOPLAT_DNS_H
#define HOPLAT_DNS_H

#include <stdint.h>
#include "decode/cursor.h"

#define DNS_NAME_WIRE 255	/* longest name in wire form */
#define DNS_NAME_TEXT 1024	/* presentation form with \DDD escapes, NUL */

/* The header's flag fields, as struct dns_msg holds them (below). */
struct dns_flag_fields {
	uint8_t qr, opcode, aa, tc, rd, ra;
	uint16_t rcode;
};

struct dns_msg {
	uint16_t id;
	uint16_t flags;		/* raw flags word */
	union {	/* the fields by name, or all 8 bytes at once (dec_dns: one store) */
		struct {
			uint8_t qr, opcode, aa, tc, rd, ra;
			uint16_t rcode;	/* header rcode, extended with EDNS0's upper bits */
		};
		struct dns_flag_fields flag_fields;
	};
	uint16_t qdcount, ancount, nscount, arcount;
	/* first question (qdcount may be 0) */
	uint8_t has_question;
	uint16_t qtype, qclass;
	/* the name's label count when it is written whole in the message and
	 * each label is under 32 bytes, else 0 (as in a message built by
	 * hand): dec_dns_qname_text's fast path, which needs no label walk */
	uint8_t qname_labels;
	uint8_t qname_wire[DNS_NAME_WIRE];	/* uncompressed, lowercased */
	uint8_t qname_wlen;
	/* hash_bytes(HASH_SEED, qname_wire, qname_wlen) (common/hash.h, not
	 * finalised), made while folding: the matcher keys on it */
	uint64_t qname_hash;
	/* the same as written (letters' case kept), for its text form, which
	 * is built only when asked (dec_dns_qname_text): most messages are
	 * responses to known queries and never need it */
	uint8_t qname_raw[DNS_NAME_WIRE];
	/* answers parsed (records walked, names validated) */
	uint16_t answers_ok;	/* valid RRs in the answer section */
	uint16_t rrs_ok;	/* valid RRs in answer, authority and additional */
	uint8_t sections_ok;	/* 1 when every section was walked to its count */
	uint8_t rr_error;	/* DEC_R_* of the first bad later record, 0 none */
	/* EDNS0 OPT record */
	uint8_t has_edns;
	uint16_t edns_udp_size;
	uint8_t edns_version, edns_do;
};

/* Decodes a whole DNS message held by c (one UDP payload or one TCP-framed
 * message). DEC_OK or a DEC_R_DNS_* reason. When only the header and
 * question are intact and later sections are cut, returns DEC_OK with what
 * was read and m->answers_ok telling how far it got (Wireshark still times
 * such responses). */
int dec_dns(struct cur *c, struct dns_msg *m);

/* Reads a possibly compressed name at c's position (msg is the whole
 * message, for pointers; c is a copy of msg moved to the name, so positions
 * are the same in both); writes wire form lowercased (wire holds
 * DNS_NAME_WIRE bytes) and leaves c after the name. DEC_OK or reason. */
int dec_dns_name(struct cur *c, const struct cur *msg, uint8_t *wire, uint8_t *wlen);

/* Presentation form of a wire-form name ("www.example.com", root "."):
 * \. for a dot inside a label, \\ for a backslash, \DDD for bytes outside
 * 0x21..0x7e. Returns the text length; always NUL-terminated when cap > 0. */
unsigned dec_dns_name_text(const uint8_t *wire, unsigned wlen, char *dst, unsigned cap);

/* The first question's name in presentation form, as written ("WwW.Example.com",
 * root "."; "" without a question), cut to cap - 1 bytes: the text length. */
unsigned dec_dns_qname_text(const struct dns_msg *m, char *dst, unsigned cap);

/* "NOERROR", "NXDOMAIN", ... or the number as text in buf. */
const char *dec_dns_rcode_name(unsigned rcode, char *buf, unsigned cap);

#endif
