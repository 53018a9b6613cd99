#include <stdlib.h>
int main(void)
{
    enum { N = 1 << 22 }; /* 4M pointers: 32 MiB */
    size_t *next = malloc(N * sizeof *next);
    for (size_t i = 0; i < N; i++)
        next[i] = (i * 2654435761u + 12345) % N;
    size_t p = 0, sum = 0;
    for (int i = 0; i < 20000; i++) {
        p = next[p];
        sum += p;
    }
    return (int)(sum & 1);
}
