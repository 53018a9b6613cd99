/*
 * valgrind lackey records (valgrind --tool=lackey --trace-mem=yes), one a line:
 * "I  addr,size" (a fetch, one instruction), " L addr,size" (a load), " S addr,size" (a store),
 * " M addr,size" (a load then a store).  Lines starting "==" (valgrind's own) or "--", and empty
 * lines, are skipped.  The size, a decimal number from 1 to 4096, goes with each record: a study
 * translates the next page too when the access crosses a 4 KiB boundary.
 */
#include <string.h>

#include "reader.h"

#define LACKEY_MAX_SIZE 4096 /* larger than any access; at most two pages */

int trace_parse_lackey(struct trace_reader *t)
{
    for (;;) {
        int rc = trace_read_line(t);
        if (rc <= 0)
            return rc;
        const char *l = t->linebuf;
        if (l[0] == '\0' || strncmp(l, "==", 2) == 0 || strncmp(l, "--", 2) == 0)
            continue;
        char kind = l[0] == 'I' ? 'I' : (l[0] == ' ' ? l[1] : '?');
        if (!strchr("ILSM", kind) || kind == '\0' || (kind != 'I' && l[2] != ' ') ||
            (kind == 'I' && (l[1] != ' ' || l[2] != ' ')))
            return LINE_FAIL("not a lackey record (expected \"I  addr,size\" or \" L|S|M "
                             "addr,size\"): %s",
                             trace_shown(t));
        const char *p = l + 3;
        uint64_t va;
        if (trace_parse_hex(&p, &va))
            return LINE_FAIL("address is not a hexadecimal number of 1 to 16 digits: %s",
                             trace_shown(t));
        if (*p++ != ',' || *p < '0' || *p > '9')
            return LINE_FAIL("expected \",size\" after the address: %s", trace_shown(t));
        uint32_t size = 0;
        while (*p >= '0' && *p <= '9' && size <= LACKEY_MAX_SIZE)
            size = size * 10 + (uint32_t)(*p++ - '0');
        if (size == 0 || size > LACKEY_MAX_SIZE)
            return LINE_FAIL("size is not a number from 1 to %d: %s", LACKEY_MAX_SIZE,
                             trace_shown(t));
        if (*p != '\0' && *p != '\r')
            return LINE_FAIL("unexpected text after the size: %s", trace_shown(t));
        if (kind == 'I')
            trace_push(t, va, MMU_ACC_FETCH, 1);
        if (kind == 'L' || kind == 'M')
            trace_push(t, va, MMU_ACC_READ, 0);
        if (kind == 'S' || kind == 'M')
            trace_push(t, va, MMU_ACC_WRITE, 0);
        for (unsigned i = 0; i < t->npending; i++)
            t->pending[i].size = size;
        return 1;
    }
}
