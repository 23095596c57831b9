/* The progress line of offline analyses (progress.h). */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "analysis/report/progress.h"

#define REDRAW_NS 250000000ull	/* four times a second at most */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void prog_init(struct prog *p, FILE *out, int quiet)
{
	memset(p, 0, sizeof *p);
	if (!quiet && out && isatty(fileno(out)))
		p->out = out;
	p->start_ns = p->last_ns = now_ns();
}

static void add_one(struct prog *p, const char *path)
{
	struct stat st;
	char real[PATH_MAX];
	if (p->nfiles >= PROG_FILES || stat(path, &st) || !S_ISREG(st.st_mode) || !realpath(path, real) ||
	    strlen(real) >= PROG_PATH)
		return;
	struct prog_file *f = &p->file[p->nfiles++];
	memcpy(f->real, real, strlen(real) + 1);
	f->size = (uint64_t)st.st_size;
}

void prog_add(struct prog *p, const char *path)
{
	if (p->out)
		add_one(p, path);
}

/* ---- bytes read: the positions of the input files' descriptors ---- */

static uint64_t fd_pos(const char *fd)
{
	char path[320], line[128];
	unsigned long long pos = 0;
	snprintf(path, sizeof path, "/proc/self/fdinfo/%s", fd);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "pos: %llu", &pos) == 1)
			break;
	fclose(f);
	return pos;
}

/* One open descriptor of a file: the first of its entries not yet given
 * one (a file given as two points is open twice). */
static void match_fd(struct prog *p, const char *fd, const char *target, uint64_t *pos, int *open)
{
	for (unsigned i = 0; i < p->nfiles; i++)
		if (!open[i] && !strcmp(p->file[i].real, target)) {
			open[i] = 1;
			pos[i] = fd_pos(fd);
			p->file[i].seen = 1;
			return;
		}
}

static uint64_t bytes_read(struct prog *p)
{
	uint64_t pos[PROG_FILES] = { 0 }, sum = 0;
	int open[PROG_FILES] = { 0 };
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char link[320], target[PROG_PATH];
		snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		match_fd(p, e->d_name, target, pos, open);
	}
	if (d)
		closedir(d);
	for (unsigned i = 0; i < p->nfiles; i++)
		sum += open[i] ? (pos[i] < p->file[i].size ? pos[i] : p->file[i].size)
			       : p->file[i].seen ? p->file[i].size : 0;
	return sum;
}

/* ---- the line ---- */

/* 512, 83.9k, 3.0M, 1.2G */
static char *num(double v, char *b, size_t cap)
{
	static const char *const pre[] = { "", "k", "M", "G", "T" };
	int k = 0;
	while (v >= 1000 && k < 4)
		v /= 1000, k++;
	snprintf(b, cap, k ? "%.1f%s" : "%.0f%s", v, pre[k]);
	return b;
}

static uint64_t total_size(const struct prog *p)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < p->nfiles; i++)
		t += p->file[i].size;
	return t;
}

/* "83.9MB of 347.8MB (24%), 0:01 left, " of the files, or "" with none known */
static void bytes_part(struct prog *p, double secs, char *out, size_t cap)
{
	char a[32], b[32];
	uint64_t done = bytes_read(p), total = total_size(p);
	double rest = done ? secs * (double)(total - (done < total ? done : total)) / (double)done : 0;
	if (!p->nfiles)
		snprintf(out, cap, "%s", "");
	else if (!total || !done)
		snprintf(out, cap, "%sB, ", num((double)done, a, sizeof a));
	else
		snprintf(out, cap, "%sB of %sB (%.0f%%), %u:%02u left, ", num((double)done, a, sizeof a),
			 num((double)total, b, sizeof b), 100.0 * (double)done / (double)total,
			 (unsigned)(rest / 60), (unsigned)rest % 60);
}

static void draw(struct prog *p, uint64_t now)
{
	char bytes[128], n[32], rate[32];
	double secs = (double)(now - p->start_ns) / 1e9;
	bytes_part(p, secs, bytes, sizeof bytes);
	fprintf(p->out, "\r\033[Khoplat analyze: %s%s packets, %s packets/s", bytes,
		num((double)p->packets, n, sizeof n), num(secs > 0 ? (double)p->packets / secs : 0, rate,
		sizeof rate));
	fflush(p->out);
	p->drawn = 1;
}

void prog_tick(struct prog *p)
{
	uint64_t now = now_ns();
	if (!p->out || now - p->last_ns < REDRAW_NS)
		return;
	p->last_ns = now;
	draw(p, now);
}

void prog_done(struct prog *p)
{
	if (p->out && p->drawn) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
	}
	p->drawn = 0;
}
