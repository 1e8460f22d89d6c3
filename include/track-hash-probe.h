/*
 * track-hash-probe.h - whether the hash method (track-hash.c) can work.
 */
#ifndef SDTOP_TRACK_HASH_PROBE_H
#define SDTOP_TRACK_HASH_PROBE_H

struct proc_target;

/*
 * Whether process_vm_readv works: on the kernel (t NULL, reading this
 * process) or on t (one byte of one of its present pages). 0, or -1 with
 * *why (malloc'd, for the user).
 */
int	 track_hash_probe(struct proc_target *t, char **why);

#endif
