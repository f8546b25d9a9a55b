"""A cooperative task scheduler simulation: prioritised task objects exchanging messages through mailboxes (a richards-like workload)."""

import pyperf

ITEMS = 1800
WORKERS = 4
EXPECTED = (18611919,
            1800,
            7201,
            0,
            7200,
            [('worker0', 450), ('worker1', 450), ('worker2', 450), ('worker3', 450)])


class Message(object):
    __slots__ = ("kind", "value", "sender")

    def __init__(self, kind, value, sender):
        self.kind = kind
        self.value = value
        self.sender = sender


class Task(object):
    def __init__(self, name, priority):
        self.name = name
        self.priority = priority
        self.mailbox = []
        self.steps = 0
        self.sleep_until = 0

    def runnable(self, now):
        return bool(self.mailbox) and self.sleep_until <= now

    def send(self, target, kind, value):
        target.mailbox.append(Message(kind, value, self))

    def run(self, sched):
        self.steps += 1
        self.handle(sched, self.mailbox.pop(0))

    def handle(self, sched, msg):
        raise NotImplementedError


class Producer(Task):
    def __init__(self, name, priority, count):
        Task.__init__(self, name, priority)
        self.remaining = count
        self.seed = 12345

    def runnable(self, now):
        return self.remaining > 0 and self.sleep_until <= now

    def run(self, sched):
        self.steps += 1
        self.seed = (self.seed * 69069 + 1) & 0xFFFFFFFF
        self.remaining -= 1
        self.send(sched.lookup("dispatcher"), "job", self.seed >> 16)
        if self.remaining % 50 == 0:
            self.sleep_until = sched.now + 3


class Dispatcher(Task):
    def __init__(self, name, priority, workers):
        Task.__init__(self, name, priority)
        self.workers = workers
        self.next = 0

    def handle(self, sched, msg):
        if msg.kind == "job":
            worker = self.workers[self.next]
            self.next = (self.next + 1) % len(self.workers)
            if len(worker.mailbox) > 6:
                # Overloaded: pick the least busy worker instead.
                worker = min(self.workers, key=lambda w: (len(w.mailbox), w.name))
            self.send(worker, "work", msg.value)


class Worker(Task):
    def handle(self, sched, msg):
        v = msg.value
        h = 0
        for _ in range(6):
            v = (v * 31 + 7) % 65521
            h ^= v
        self.send(sched.lookup("collector"), "result", h)
        if h & 15 == 0:
            self.sleep_until = sched.now + 2


class Collector(Task):
    def __init__(self, name, priority):
        Task.__init__(self, name, priority)
        self.total = 0
        self.received = 0
        self.by_sender = {}

    def handle(self, sched, msg):
        self.total = (self.total * 7 + msg.value) & 0xFFFFFFF
        self.received += 1
        name = msg.sender.name
        self.by_sender[name] = self.by_sender.get(name, 0) + 1


class Scheduler(object):
    def __init__(self, tasks):
        self.tasks = sorted(tasks, key=lambda t: -t.priority)
        self.by_name = {t.name: t for t in tasks}
        self.now = 0
        self.idle = 0
        self.switches = 0
        self.last = None

    def lookup(self, name):
        return self.by_name[name]

    def run(self):
        while self.run_slice(100):
            pass

    def run_slice(self, ticks):
        """Runs up to `ticks` scheduler ticks; False once there is nothing left to do."""
        last = self.last
        for _ in range(ticks):
            self.now += 1
            for task in self.tasks:
                if task.runnable(self.now):
                    if task is not last:
                        self.switches += 1
                        last = task
                    task.run(self)
                    break
            else:
                if not any(t.mailbox or getattr(t, "remaining", 0) for t in self.tasks):
                    self.last = last
                    return False
                self.idle += 1
        self.last = last
        return True


def workload():
    workers = [Worker("worker%d" % i, 10 + i) for i in range(WORKERS)]
    collector = Collector("collector", 5)
    dispatcher = Dispatcher("dispatcher", 20, workers)
    producer = Producer("producer", 1, ITEMS)
    sched = Scheduler([producer, dispatcher, collector] + workers)
    sched.run()
    counts = sorted(collector.by_sender.items())
    return (collector.total, collector.received, sched.now, sched.idle, sched.switches, counts)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("task_scheduler", bench)
