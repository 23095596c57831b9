/* The pcapng format's numbers (draft-ietf-opsawg-pcapng): block types,
 * the byte-order magic and the option codes hoplat reads or writes. One
 * copy, for the reader (decode/pcapng_file.c) and the writer
 * (capture/pcapng_writer.c). */
#ifndef HOPLAT_PCAPNG_H
#define HOPLAT_PCAPNG_H

enum pcapng_block {
	PCAPNG_SHB = 0x0A0D0D0A,	/* section header */
	PCAPNG_IDB = 1,			/* interface description */
	PCAPNG_PB = 2,			/* packet (obsolete) */
	PCAPNG_SPB = 3,			/* simple packet */
	PCAPNG_ISB = 5,			/* interface statistics */
	PCAPNG_EPB = 6,			/* enhanced packet */
};

#define PCAPNG_BOM 0x1A2B3C4D		/* byte-order magic, in the section header */

enum pcapng_option {
	PCAPNG_OPT_END = 0,
	PCAPNG_OPT_COMMENT = 1,
	PCAPNG_SHB_HARDWARE = 2,
	PCAPNG_SHB_OS = 3,
	PCAPNG_SHB_USERAPPL = 4,
	PCAPNG_IF_NAME = 2,
	PCAPNG_IF_DESCRIPTION = 3,
	PCAPNG_IF_TSRESOL = 9,
	PCAPNG_IF_FILTER = 11,
	PCAPNG_IF_TSOFFSET = 14,
	PCAPNG_ISB_STARTTIME = 2,
	PCAPNG_ISB_ENDTIME = 3,
	PCAPNG_ISB_IFRECV = 4,
	PCAPNG_ISB_IFDROP = 5,
	PCAPNG_ISB_FILTERACCEPT = 6,
	PCAPNG_ISB_OSDROP = 7,
};

#endif
