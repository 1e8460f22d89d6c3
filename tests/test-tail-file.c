/*
 * test-tail-file.c - the last line written to a tail file, as a child
 * writes it through a copy of the descriptor: whole lines, a line not
 * ended yet, a burst longer than what is read, and the file emptied once
 * big while the writer goes on appending.
 *
 * Units: bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tail-file.h"

/* Write s through fd as a writer would. */
static void
put(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void
tail_file__lines__the_last_one_whole_or_being_written(void **state)
{
	struct tail_file	 t;
	char			 dir[] = "/tmp/test-tail-file.XXXXXX";
	int			 fd, w;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = tail_file_open(&t, dir);
	assert_true(fd >= 0);
	/* Unlinked from the start: nothing is left in dir. */
	assert_int_equal(rmdir(dir), 0);
	/* The writer has its own copy, as a child's stderr. */
	w = dup(fd);
	assert_true(w >= 0);
	tail_file_poll(&t);
	assert_null(tail_file_last(&t));
	put(w, "one\ntwo\n");
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "two");
	put(w, "thr");
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "thr");
	put(w, "ee\n\n");
	tail_file_poll(&t);
	/* An empty line does not hide the one before it. */
	assert_string_equal(tail_file_last(&t), "three");
	close(w);
	tail_file_close(&t);
	assert_int_equal(t.fd, -1);
}

static void
tail_file__big__read_from_its_end_and_emptied(void **state)
{
	struct tail_file	 t;
	struct stat		 st;
	char			 line[64];
	int			 fd, w, i;

	(void)state;
	fd = tail_file_open(&t, "/tmp");
	assert_true(fd >= 0);
	w = dup(fd);
	assert_true(w >= 0);
	/* 100 KB at once: more than is read, more than is kept. */
	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof line, "line %05d of the burst\n", i);
		put(w, line);
	}
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "line 04999 of the burst");
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* The writer appends: its next line is at the start again. */
	put(w, "after\n");
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "after");
	/* A line longer than what is read at once: the next one counts. */
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	for (i = 0; i < 200; i++)
		put(w, line);
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "after");
	put(w, "\nend\n");
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "end");
	close(w);
	tail_file_close(&t);
}

static void
tail_file__child_stderr__its_last_words(void **state)
{
	struct tail_file	 t;
	pid_t			 pid;
	int			 fd, status;

	(void)state;
	fd = tail_file_open(&t, "/tmp");
	assert_true(fd >= 0);
	if ((pid = fork()) == 0) {
		dup2(fd, STDERR_FILENO);
		execlp("sh", "sh", "-c", "echo starting >&2; "
		    "echo 'cannot open x: No such file' >&2; exit 3", NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 3);
	tail_file_poll(&t);
	assert_string_equal(tail_file_last(&t), "cannot open x: No such file");
	tail_file_close(&t);
}

static void
tail_file_open__no_such_directory__fails(void **state)
{
	struct tail_file	t;

	(void)state;
	assert_int_equal(tail_file_open(&t, "/nonexistent/dir"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(t.fd, -1);
	tail_file_poll(&t);
	assert_null(tail_file_last(&t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    tail_file__lines__the_last_one_whole_or_being_written),
		cmocka_unit_test(tail_file__big__read_from_its_end_and_emptied),
		cmocka_unit_test(tail_file__child_stderr__its_last_words),
		cmocka_unit_test(tail_file_open__no_such_directory__fails),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
