/* Breadth-first search of a random graph in compressed sparse rows: 32,768 vertices of 8 out-edges
 * (1 MiB of edges), visited from vertex 0; a graph workload for TLB studies (traces/README.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    enum { V = 1 << 15, D = 8 };
    uint32_t *edge = malloc(sizeof(uint32_t) * V * D), *queue = malloc(sizeof(uint32_t) * V);
    int32_t *depth = malloc(sizeof(int32_t) * V);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < (size_t)V * D; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        edge[i] = (uint32_t)(x % V);
    }
    for (size_t v = 0; v < V; v++)
        depth[v] = -1;
    size_t head = 0, tail = 0;
    depth[0] = 0;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t v = queue[head++];
        for (size_t k = 0; k < D; k++) {
            uint32_t w = edge[(size_t)v * D + k];
            if (depth[w] < 0) {
                depth[w] = depth[v] + 1;
                queue[tail++] = w;
            }
        }
    }
    int32_t far = 0;
    for (size_t v = 0; v < V; v++)
        far = depth[v] > far ? depth[v] : far;
    printf("%zu reached, depth %d\n", tail, far);
    return 0;
}
