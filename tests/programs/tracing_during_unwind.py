"""Tracing turned on inside a `finally` body or an `__exit__` that runs because of a
`return`, `break` or `continue` (3.7 unwinds these with `why` codes): the rest of the frame
runs in the interpreter, which must finish the interrupted unwind exactly as stock does,
and the trace events after the switch must match."""

import sys

events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name.startswith("work"):
        events.append((frame.f_code.co_name, event, frame.f_lineno))
    return tracer


def enable():
    sys._getframe(1).f_trace = tracer
    sys.settrace(tracer)


class CM:
    def __init__(self, on):
        self.on = on

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.on:
            sys._getframe(1).f_trace = tracer
            sys.settrace(tracer)
        return False


def work_break(n):
    out = []
    for i in range(n):
        try:
            if i == 2:
                break
            out.append(i)
        finally:
            if i == 2:
                enable()
            out.append("f%d" % i)
    out.append("after")
    return out


def work_continue(n):
    out = []
    for i in range(n):
        try:
            if i % 2:
                continue
            out.append(i)
        finally:
            if i == 3:
                enable()
        out.append("tail%d" % i)
    return out


def work_return(flag):
    try:
        try:
            return "value"
        finally:
            if flag:
                enable()
    finally:
        events.append("outer finally")


def work_with(n):
    out = []
    for i in range(n):
        with CM(i == 1):
            if i == 1:
                break
            out.append(i)
    return out


def main():
    for fn, arg in ((work_break, 5), (work_continue, 6), (work_return, True), (work_with, 3)):
        for rep in range(3):
            del events[:]
            result = fn(arg)
            sys.settrace(None)
            print(fn.__name__, rep, result)
            for e in events:
                print("   ", e)


main()
