/* The testbed's userspace delay line: this kernel has no netem, so frames
 * are taken off one interface with an AF_PACKET socket (kernel receive
 * timestamp), held in a FIFO per direction until receive time + delay, and
 * sent on the other interface; a share of them is dropped (loss).
 * One thread serves every hop: it sleeps until the earliest due frame minus
 * a spin margin, then polls the last microseconds so frames leave on time. */
#ifndef HOPLAT_TB_DELAY_H
#define HOPLAT_TB_DELAY_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#define TB_DL_FRAME 2048	/* MTU 1500 frames (offloads are off on the testbed) */
#define TB_DL_SLOTS 4096	/* frames in flight per direction */

struct tb_dl_slot {
	int64_t due_ns;
	uint32_t len;
	uint8_t data[TB_DL_FRAME];
};

/* FIFO of slots; constant delay per direction keeps due times in order. */
struct tb_dlq {
	struct tb_dl_slot *slot;
	uint32_t cap, head, count;
};

int tb_dlq_init(struct tb_dlq *q, uint32_t cap);	/* 0 or -ENOMEM */
void tb_dlq_free(struct tb_dlq *q);
struct tb_dl_slot *tb_dlq_reserve(struct tb_dlq *q);	/* next free slot, NULL when full */
void tb_dlq_commit(struct tb_dlq *q);			/* makes the reserved slot visible */
struct tb_dl_slot *tb_dlq_head(struct tb_dlq *q);	/* oldest, NULL when empty */
void tb_dlq_pop(struct tb_dlq *q);

/* Loss decision: 1 to drop. loss_ppm in parts per million; state is an
 * xorshift64 seed (nonzero). */
int tb_dl_lose(uint64_t *state, uint32_t loss_ppm);

/* One hop between interfaces a and b, both ways. */
struct tb_dl_hop {
	const char *name;	/* "link", "bridge", "guest" */
	const char *if_a, *if_b;
	int64_t delay_ns;	/* one way, each crossing */
	uint32_t loss_ppm;
};

struct tb_dl_stats {
	uint64_t rx, tx, lost, overflow, oversize, tx_err;
	int64_t late_max_ns;	/* worst lateness of a send vs due time */
	uint64_t late_sum_ns;
};

/* Runs until *stop becomes nonzero (set by a signal handler); then writes
 * per-direction counters to log. 0 or -errno (with a line on log). */
int tb_dl_run(const struct tb_dl_hop *hops, int nhops, volatile sig_atomic_t *stop, FILE *log);

#endif
