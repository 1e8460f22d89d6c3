/*
 * injector-serve.h - the injector process: it makes and removes
 * userfaultfds in targets on sdtop's requests (injector-proto.h), and
 * removes all it made when sdtop goes away.
 */
#ifndef SDTOP_INJECTOR_SERVE_H
#define SDTOP_INJECTOR_SERVE_H

/* Become the injector, serving sock, and never return. */
void	 inj_serve(int sock) __attribute__((noreturn));

#endif
