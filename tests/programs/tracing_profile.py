"""sys.settrace and sys.setprofile: line, call, return and exception events with line
numbers, local tracing functions, f_trace assignment, f_lineno changes seen by the tracer,
tracing of generators, and turning tracing on and off while code is hot."""
import sys

events = []


def relative(frame):
    return frame.f_lineno - frame.f_code.co_firstlineno


def tracer(frame, event, arg):
    if frame.f_code.co_filename != __file__:
        return None
    name = frame.f_code.co_name
    detail = ""
    if event == "return":
        detail = repr(arg)
    elif event == "exception":
        detail = arg[0].__name__
    events.append("%s %s +%d %s" % (event, name, relative(frame), detail))
    return tracer


def traced(n):
    total = 0
    for i in range(n):
        total += i
    try:
        raise ValueError(n)
    except ValueError:
        total = -total
    return total


def gen(n):
    for i in range(n):
        yield i * 2


def caller():
    return traced(2), list(gen(2))


for i in range(300):  # make them hot before tracing starts
    caller()
sys.settrace(tracer)
result = caller()
sys.settrace(None)
print("result", result)
for e in events:
    print(" ", e)

profile_events = []


def profiler(frame, event, arg):
    if event.startswith("c_"):
        profile_events.append("%s %s" % (event, getattr(arg, "__name__", "?")))
    else:
        profile_events.append("%s %s" % (event, frame.f_code.co_name))


def profiled():
    data = sorted([3, 1, 2])
    return len(data) + traced(1)


sys.setprofile(profiler)
profiled()
sys.setprofile(None)
print("profile events:")
for e in profile_events:
    print(" ", e)

line_counts = {}


def counting_tracer(frame, event, arg):
    if event == "call":
        return counting_tracer if frame.f_code.co_name == "loop_body" else None
    if event == "line":
        key = relative(frame)
        line_counts[key] = line_counts.get(key, 0) + 1
    return counting_tracer


def loop_body(n):
    acc = 0
    while n:
        n -= 1
        if n % 2:
            acc += n
        else:
            acc -= 1
    return acc


for _ in range(300):
    loop_body(5)
sys.settrace(counting_tracer)
print("traced loop_body:", loop_body(7))
sys.settrace(None)
print("line counts:", sorted(line_counts.items()))


def set_local_trace():
    frame = sys._getframe()
    seen = []

    def local(frame, event, arg):
        seen.append((event, relative(frame)))
        return local
    sys.settrace(lambda *a: None)  # tracing must be active for f_trace to be used
    frame.f_trace = local
    x = 1
    y = x + 1
    sys.settrace(None)
    frame.f_trace = None
    return seen, y


print("f_trace:", set_local_trace())
print("gettrace after:", sys.gettrace(), sys.getprofile())
