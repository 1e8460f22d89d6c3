/*
 * injector-record.h - the injectors' record of the userfaultfds they
 * made, which outlives them (see injector-record.c).
 */
#ifndef SDTOP_INJECTOR_RECORD_H
#define SDTOP_INJECTOR_RECORD_H

#include <stdbool.h>

struct proc_target;

/*
 * Add a record (ino, the userfaultfd's inode number; fd, its number in
 * t), ask whether a descriptor of t is one, forget one, forget those of
 * processes gone. Adding fails (-1) when no directory is safe to keep
 * records in.
 */
int	 inj_record_add(unsigned long ino, const struct proc_target *t,
	     int fd);
bool	 inj_record_has(unsigned long ino, const struct proc_target *t,
	     int fd);
void	 inj_record_del(unsigned long ino);
void	 inj_record_prune(void);

#endif
