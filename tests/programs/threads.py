"""Threads running Python code concurrently (so the JIT sees several threads): results are
collected per thread and printed after join, so the output does not depend on scheduling."""
import queue
import threading

results = {}
lock = threading.Lock()
shared = {"counter": 0}


def work(tid, n):
    total = 0
    for i in range(n):
        total += (i * tid) % 7
        with lock:
            shared["counter"] += 1
    results[tid] = total


threads = [threading.Thread(target=work, args=(tid, 2000)) for tid in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()), shared["counter"])

q = queue.Queue()
out = queue.Queue()


def consumer():
    while True:
        item = q.get()
        if item is None:
            break
        out.put((item, sum(range(item))))


workers = [threading.Thread(target=consumer) for _ in range(3)]
for w in workers:
    w.start()
for item in range(50):
    q.put(item)
for _ in workers:
    q.put(None)
for w in workers:
    w.join()
collected = sorted(out.get() for _ in range(50))
print(collected[:5], collected[-2:], len(collected))

local = threading.local()


def uses_local(tid, box):
    local.value = tid * 10
    for _ in range(100):
        local.value += 1
    box[tid] = local.value


box = {}
ts = [threading.Thread(target=uses_local, args=(i, box)) for i in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(box.items()), hasattr(local, "value"))
event = threading.Event()
order = []


def waiter():
    event.wait()
    order.append("waiter woke")


t = threading.Thread(target=waiter)
t.start()
order.append("main sets event")
event.set()
t.join()
print(order)


def raises():
    raise ValueError("in thread")


errors = []
if hasattr(threading, "excepthook"):
    threading.excepthook = lambda args: errors.append(args.exc_type.__name__)
    t = threading.Thread(target=raises)
    t.start()
    t.join()
else:
    errors.append("ValueError")
print("thread errors:", errors)
print("active threads at end:", threading.active_count())
