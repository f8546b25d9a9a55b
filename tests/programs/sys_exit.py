"""Exits with sys.exit(3) from inside nested calls, try/finally blocks and a with block;
finally clauses, __exit__ and atexit handlers still run, in a defined order."""
import atexit
import sys


class Guard:
    def __enter__(self):
        print("guard enter")
        return self

    def __exit__(self, exc_type, exc, tb):
        print("guard exit with", exc_type.__name__ if exc_type else None, exc)
        return False


def goodbye(name):
    print("atexit handler", name)


atexit.register(goodbye, "registered first")
atexit.register(goodbye, "registered second")


def deep(n):
    try:
        if n == 0:
            print("calling sys.exit(3)")
            sys.exit(3)
        return deep(n - 1)
    finally:
        print("finally at depth", n)


def main():
    for i in range(5):
        print("working", i, i * i)
    try:
        sys.exit(0)
    except SystemExit as e:
        print("caught a first SystemExit with code", e.code)
    with Guard():
        try:
            deep(3)
        except Exception:
            print("never: SystemExit is not an Exception")
    print("never reached")


main()
