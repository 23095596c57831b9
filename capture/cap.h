/* Capture backends behind one small ops table: libpcap (cap_pcap.c), replay
 * of a capture file (cap_replay.c), DPDK (cap_dpdk.c, only with make DPDK=1).
 * A backend hands packets on as struct pkt through a callback, a batch at a
 * time; the data is valid only during the callback (libpcap gives the ring
 * slot back afterwards), so whoever keeps a packet copies it. */
#ifndef HOPLAT_CAP_H
#define HOPLAT_CAP_H

#include <errno.h>
#include <stdint.h>
#include "decode/pkt.h"

#define CAP_ERRBUF 256

/* Where timestamps come from (--tstamp-type). */
enum cap_tstamp { CAP_TS_AUTO = 0, CAP_TS_HOST, CAP_TS_ADAPTER, CAP_TS_ADAPTER_UNSYNCED };

struct cap_opts {
	const char *name;	/* interface ("eth0", "dpdk:0") or file (replay) */
	const char *filter;	/* BPF text, NULL for none */
	uint32_t snaplen;	/* 0: 262144 */
	uint32_t buffer_mb;	/* kernel ring, 0: 32 MiB */
	int tstamp;		/* enum cap_tstamp */
	int timeout_ms;		/* how long the kernel may hold a block; 0: 10 ms */
	double speed;		/* replay: 1.0 recorded pace, 2.0 twice as fast, 0 as fast as possible */
	const char *eal_args;	/* DPDK EAL arguments (--dpdk-args or HOPLAT_DPDK_EAL) */
	const struct cap_ops *ops;	/* the backend; NULL: by name (cap_ops_for) */
};

/* Cumulative counters since start; UINT64_MAX where the backend cannot tell. */
struct cap_stats {
	uint64_t recv;		/* packets that passed the filter (kernel's count) */
	uint64_t drop;		/* dropped by the OS: ring full */
	uint64_t ifdrop;	/* dropped by the interface or driver */
};

typedef void (*cap_pkt_fn)(void *ctx, const struct pkt *p);

struct cap_src;

/* Results: 0 or a count; CAP_END when a finite source is exhausted;
 * -ENODEV when the interface vanished; other -errno on failure. Every
 * failure leaves a one-line message in cap_error(). */
#define CAP_END (-ENODATA)

struct cap_ops {
	const char *kind;
	/* Opens the source (privileged part: done before dropping root). */
	int (*open)(struct cap_src *s, const struct cap_opts *o);
	int (*start)(struct cap_src *s);
	/* Delivers up to max packets (ready now; never blocks), returns how many. */
	int (*next)(struct cap_src *s, int max, cap_pkt_fn fn, void *ctx);
	/* A descriptor to poll for readiness, or -1 (then poll with a timeout). */
	int (*fd)(struct cap_src *s);
	/* Replay: ns until the next packet is due (0 now), or -1 when unknown. */
	int64_t (*wait_ns)(struct cap_src *s);
	int (*stats)(struct cap_src *s, struct cap_stats *st);
	void (*close)(struct cap_src *s);
	/* Sources carrying several interfaces (a replayed pcapng): name and
	 * link type of sub-interface k (p->iface); optional. */
	const char *(*sub_name)(struct cap_src *s, unsigned k);
	uint32_t (*sub_linktype)(struct cap_src *s, unsigned k);
};

/* Common part of every source; backends keep their state behind priv. */
struct cap_src {
	const struct cap_ops *ops;
	char name[64];		/* as given by the user */
	char desc[160];		/* if_description: backend, clock source, buffer */
	char clock[64];		/* clock source actually used, e.g. "host" */
	uint32_t linktype;
	uint32_t snaplen;
	void *priv;
	char err[CAP_ERRBUF];
};

extern const struct cap_ops cap_pcap_ops;
extern const struct cap_ops cap_replay_ops;
#ifdef HOPLAT_DPDK
extern const struct cap_ops cap_dpdk_ops;
#endif

/* The backend for a name: "dpdk:N" -> DPDK (NULL without DPDK), else libpcap. */
const struct cap_ops *cap_ops_for(const char *name);

/* open + the message of a failure; 0 or -errno. */
int cap_open(struct cap_src *s, const struct cap_ops *ops, const struct cap_opts *o);
static inline const char *cap_error(const struct cap_src *s) { return s->err; }

/* Lists capture interfaces like tcpdump -D; 0 or -errno. */
int cap_pcap_list(void);
int cap_parse_tstamp(const char *s);	/* enum cap_tstamp or -EINVAL */

#endif
