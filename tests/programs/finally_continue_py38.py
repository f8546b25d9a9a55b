"""'continue' inside a finally block (allowed since Python 3.8), together with return and
break in finally, nested loops and exceptions being discarded by continue."""


def continue_in_finally():
    log = []
    for i in range(5):
        try:
            if i == 1:
                raise ValueError("discarded by continue")
            if i == 3:
                return log + ["returned at 3"]
            log.append("body %d" % i)
        finally:
            log.append("finally %d" % i)
            if i in (1, 3):
                continue
    return log


def nested_loops():
    out = []
    for i in range(3):
        for j in range(3):
            try:
                if j == 1:
                    break
                out.append((i, j))
            finally:
                if i == 1:
                    continue
                out.append("f%d%d" % (i, j))
    return out


def while_continue():
    n, log = 0, []
    while n < 6:
        n += 1
        try:
            if n % 2:
                raise KeyError(n)
        finally:
            log.append(n)
            continue
    return log


print(continue_in_finally())
print(nested_loops())
print(while_continue())
total = 0
for k in range(400):
    try:
        if k % 5 == 0:
            raise RuntimeError
        total += k
    finally:
        if k % 5 == 0:
            continue
        total += 1
print("total", total)
