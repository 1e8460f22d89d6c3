/*
 * proc-maps.h - the memory map of a process, parsed from /proc/PID/maps.
 *
 * Addresses are absolute virtual addresses in bytes; a VMA covers the
 * half-open range [start, end).
 */
#ifndef SDTOP_PROC_MAPS_H
#define SDTOP_PROC_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct proc_target;

#define VMA_READ	0x1
#define VMA_WRITE	0x2
#define VMA_EXEC	0x4
#define VMA_SHARED	0x8

struct vma {
	uint64_t	 start;		/* first byte */
	uint64_t	 end;		/* one past the last byte */
	uint64_t	 offset;	/* offset into the mapped file, bytes */
	unsigned int	 dev_major;
	unsigned int	 dev_minor;
	uint64_t	 inode;
	unsigned int	 prot;		/* VMA_* flags */
	char		 perms[5];	/* as printed: "rw-p" */
	bool		 deleted;	/* the file was deleted (suffix stripped) */
	char		*name;		/* path, "[heap]", ... or "" when anonymous */
};

struct vma_list {
	struct vma	*v;
	size_t		 n;
	size_t		 cap;
};

/*
 * Parse one line of maps (without its newline) into *out; out->name is
 * malloc'd. Returns 0, or -1 with *cause pointing at a static reason.
 */
int	 maps_parse_line(const char *line, size_t len, struct vma *out,
	     const char **cause);

/* Parse a whole maps text; a bad line fails with "line N: reason". */
int	 maps_parse(const char *text, struct vma_list *out, char **cause);

/* Read and parse the target's maps; errno ESRCH when it has gone. */
int	 maps_read(const struct proc_target *t, struct vma_list *out,
	     char **cause);

/* Deep-copy a VMA (its name) into *dst; -1 on allocation failure. */
int	 vma_copy(struct vma *dst, const struct vma *src);
void	 vma_free(struct vma *v);

/* Empty a list, keeping its storage; free it entirely. */
void	 vma_list_clear(struct vma_list *l);
void	 vma_list_free(struct vma_list *l);
/* Append a deep copy of v; -1 on allocation failure. */
int	 vma_list_push(struct vma_list *l, const struct vma *v);

/* The VMA of l whose range is exactly [start, end), or NULL. */
const struct vma *vma_list_find(const struct vma_list *l, uint64_t start,
	     uint64_t end);

/*
 * Set v->perms and v->prot from the four characters at p, as maps prints
 * them ("rw-p", "r-xs"); false, v unchanged, if they are not that.
 */
bool	 vma_set_perms(struct vma *v, const char *p);

/* Number of pages of a VMA. */
uint64_t vma_pages(const struct vma *v);

/* Whether sdtop tracks writes to this VMA by default (writable, not vsyscall). */
bool	 vma_trackable(const struct vma *v);

#endif
