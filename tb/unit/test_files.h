/*
 * Files for the tests that read them (test_trace.c, test_study.c): a temporary folder that the
 * group's set-up makes and its tear-down removes, and paths and files in it.  The including
 * file defines _POSIX_C_SOURCE 200809L first (mkdtemp).
 */
#ifndef TB_UNIT_TEST_FILES_H
#define TB_UNIT_TEST_FILES_H

#include "test_util.h"

static char test_dir[] = "/tmp/mmusim-test-XXXXXX";

static inline int test_dir_setup(void **state)
{
    (void)state;
    return mkdtemp(test_dir) ? 0 : -1;
}

static inline int test_dir_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The path of a file in the folder; the last four paths returned stay valid. */
static inline const char *test_path(const char *name)
{
    static char path[4][300];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s", test_dir, name);
    return path[k];
}

/* Writes n bytes to a file in the folder; returns its path. */
static inline const char *test_write(const char *name, const void *data, size_t n)
{
    const char *path = test_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static inline const char *test_write_text(const char *name, const char *text)
{
    return test_write(name, text, strlen(text));
}

#endif
