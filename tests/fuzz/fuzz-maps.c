/*
 * fuzz-maps.c - libFuzzer harness of the /proc/PID/maps parser and of
 * what the batch writers make of its names: the text is parsed; when it
 * parses, it becomes a snapshot (each small region tracked, some pages
 * written, the first name as comm) printed as text and as JSON. Every
 * region must be well formed, every output safe on a terminal, the JSON
 * valid and holding each name that is valid UTF-8 exactly, and each
 * inode exactly (all 64 bits of it).
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "page.h"
#include "pageset.h"
#include "proc-maps.h"
#include "out-json.h"
#include "out-text.h"
#include "snapshot.h"
#include "str-escape.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s is valid UTF-8 throughout. */
static int
utf8_ok(const char *s)
{
	uint32_t	 cp;
	size_t		 n, len = strlen(s);

	while (len > 0) {
		if ((n = str_utf8_next(s, len, &cp)) == 0)
			return (0);
		s += n;
		len -= n;
	}
	return (1);
}

/* The snapshot of l: regions of up to 4096 pages tracked. */
static struct snapshot *
snapshot_of(const struct vma_list *l)
{
	struct snapshot	*s;
	size_t		 i;
	bool		 tracked;

	if ((s = snapshot_new(l->n)) == NULL)
		fuzz_fail("out of memory");
	s->cycle = 1;
	s->pid = 1;
	s->interval = 1;
	snprintf(s->method, sizeof s->method, "hash");
	if (l->n > 0)
		snprintf(s->comm, 16, "%s", l->v[0].name);
	for (i = 0; i < l->n; i++) {
		tracked = vma_pages(&l->v[i]) <= 4096;
		if (snapshot_set_vma(s, i, &l->v[i], tracked, false) == -1)
			fuzz_fail("snapshot_set_vma failed");
		if (tracked)
			pageset_add(s->vmas[i].written, (size_t)(l->v[i].inode %
			    s->vmas[i].npages));
	}
	snapshot_count(s);
	return (s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text_options	 to = { 0 };
	struct vma_list		 l = { 0 };
	struct fuzz_sink	 text, js;
	struct snapshot		*s;
	json_error_t		 err;
	json_t			*j, *vmas;
	FILE			*ft, *fj;
	char			*in, *cause = NULL, ino[24];
	const char		*js_ino;
	size_t			 i;

	in = fuzz_strndup(data, size);
	if (maps_parse(in, &l, &cause) == -1) {
		fuzz_check_text("maps error", cause, strlen(cause));
		free(cause);
		vma_list_free(&l);
		free(in);
		return (0);
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].end <= l.v[i].start ||
		    l.v[i].start % page_size() != 0 || l.v[i].name == NULL)
			fuzz_fail("maps: region %zu is malformed", i);
	}
	s = snapshot_of(&l);
	ft = fuzz_sink_open(&text, size * 4 + 8192 * (l.n + 1) + 65536,
	    "text of maps");
	fj = fuzz_sink_open(&js, size * 8 + 1024 * (l.n + 1) + 65536,
	    "JSON of maps");
	out_text(ft, s, &to);
	out_json(fj, s);
	fflush(ft);
	fflush(fj);
	fuzz_check_text("text of maps", text.buf, text.len);
	fuzz_check_text("JSON of maps", js.buf, js.len);
	if ((j = json_loadb(js.buf, js.len, 0, &err)) == NULL)
		fuzz_fail("JSON of maps: %s", err.text);
	vmas = json_object_get(j, "vmas");
	for (i = 0; i < l.n; i++) {
		if (utf8_ok(l.v[i].name) && strcmp(json_string_value(
		    json_object_get(json_array_get(vmas, i), "name")),
		    l.v[i].name) != 0)
			fuzz_fail("JSON of maps: name %zu changed", i);
		snprintf(ino, sizeof ino, "%" PRIu64, l.v[i].inode);
		if ((js_ino = json_string_value(json_object_get(
		    json_array_get(vmas, i), "inode"))) == NULL ||
		    strcmp(js_ino, ino) != 0)
			fuzz_fail("JSON of maps: inode %zu is not \"%s\"", i,
			    ino);
	}
	json_decref(j);
	fuzz_sink_close(ft, &text);
	fuzz_sink_close(fj, &js);
	snapshot_free(s);
	vma_list_free(&l);
	free(in);
	return (0);
}
