/* What the interpreter's files (script/) share; not for the loader. */
#ifndef CL_SCRIPT_INT_H
#define CL_SCRIPT_INT_H

#include "core/mem.h"
#include "fmt.h"
#include "netboot/err.h"
#include "script.h"

/* Status of a command that started a script frame: the line resumes when
 * that script ends. */
#define CL_PUSHED 1

static inline struct cl_frame *cl_top(struct cl_script *s)
{
	return &s->frames[s->depth - 1];
}

/* Print "script: line N: what: detail" (detail NULL: rc's text). */
int cl_fail(struct cl_script *s, const char *what, const char *detail, int rc);
void cl_msg_add(struct cl_script *s, const char *t);

/* Settings (settings.c). */
int cl_setting(struct cl_script *s, const char *name, uint8_t *raw,
	       size_t cap, enum cl_type *type);
int cl_expand_name(struct cl_script *s, char *name, char *out, size_t cap);
int cl_store(struct cl_script *s, const char *name, enum cl_type t,
	     const uint8_t *raw, size_t len);
void cl_clear(struct cl_script *s, const char *name);
/* "name:type" split in place: the type (string when none given), or -1. */
int cl_split_type(char *name, enum cl_type dflt);
int64_t cl_number(const uint8_t *raw, size_t len, bool sign);

/* Labels (parse.c). */
int cl_goto(struct cl_script *s, const char *label);

/* Commands (commands.c, images.c): argv[0..n). */
int cl_run_command(struct cl_script *s, char **v, int n);
int cl_image_command(struct cl_script *s, int which, char **v, int n);
int cl_menu_command(struct cl_script *s, int which, char **v, int n);
void cl_image_release(struct cl_script *s, struct cl_img *img);

/* Options ("--name X", "--name=X", "-n X", flags) pulled out of v[1..n),
 * the rest compacted in place.  names: space-separated long names, '='
 * after those taking a value; vals[i] is the i-th name's value ("" for a
 * flag given, NULL when absent).  -NB_EINVAL for an unknown option. */
int cl_getopt(struct cl_script *s, char **v, int *n, const char *names,
	      const char **vals);
bool cl_is_number(const char *p, uint32_t *out);
/* A key within timeout_ms (0: no limit), or -1. */
int cl_wait_key(struct cl_script *s, uint32_t timeout_ms);
int cl_key_of(const char *k);

#endif
