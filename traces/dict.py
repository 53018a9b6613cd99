import random
random.seed(1)
d = {}
for i in range(6000):
    d[random.getrandbits(32)] = [i] * 3
s = sorted(d.items())
print(len(s), sum(v[0] for k, v in s[:100]))
