/*
 * mmusim's text format, one reference a line: "R|W|X <hex address> [pcid]" (read, write, fetch;
 * either case; the address with or without "0x"; the PCID from 0 to 4095, in any base strtoul
 * reads).  '#' starts a comment; blank lines are skipped.  X counts one instruction.
 */
#include <errno.h>
#include <stdlib.h>

#include "reader.h"

int trace_parse_text(struct trace_reader *t)
{
    for (;;) {
        int rc = trace_read_line(t);
        if (rc <= 0)
            return rc;
        const char *p = t->linebuf;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#' || *p == '\r')
            continue;
        enum mmu_access type;
        if (*p == 'R' || *p == 'r')
            type = MMU_ACC_READ;
        else if (*p == 'W' || *p == 'w')
            type = MMU_ACC_WRITE;
        else if (*p == 'X' || *p == 'x')
            type = MMU_ACC_FETCH;
        else
            return LINE_FAIL("expected R, W or X, got %s", trace_shown(t));
        p++;
        if (*p != ' ' && *p != '\t')
            return LINE_FAIL("expected a space after the access type: %s", trace_shown(t));
        while (*p == ' ' || *p == '\t')
            p++;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2;
        uint64_t va;
        if (trace_parse_hex(&p, &va) ||
            !(*p == '\0' || *p == ' ' || *p == '\t' || *p == '#' || *p == '\r'))
            return LINE_FAIL("address is not a hexadecimal number of 1 to 16 digits: %s",
                             trace_shown(t));
        trace_push(t, va, type, type == MMU_ACC_FETCH);
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != '#' && *p != '\r') {
            char *end;
            errno = 0;
            unsigned long pcid = strtoul(p, &end, 0);
            if (errno || end == p || pcid > 0xfff)
                return LINE_FAIL("PCID is not a number from 0 to 4095: %s", trace_shown(t));
            t->pending[0].has_pcid = true;
            t->pending[0].pcid = (uint16_t)pcid;
            p = end;
            while (*p == ' ' || *p == '\t' || *p == '\r')
                p++;
            if (*p && *p != '#')
                return LINE_FAIL("unexpected text after the PCID: %s", trace_shown(t));
        }
        return 1;
    }
}
