"""Ends with an uncaught exception raised several frames deep with an explicit cause, so the
interpreter prints a chained traceback to stderr and exits with status 1."""


class ConfigError(Exception):
    pass


def parse_value(text):
    return int(text)


def parse_line(line):
    key, _, value = line.partition("=")
    try:
        return key.strip(), parse_value(value)
    except ValueError as e:
        raise ConfigError("bad value for %r" % key.strip()) from e


def parse(lines):
    result = {}
    for number, line in enumerate(lines, 1):
        key, value = parse_line(line)
        result[key] = value
        print("parsed line", number, key, value)
    return result


print(parse(["a = 1", "b = 22", "c=333"]))
for i in range(250):
    parse_line("k%d = %d" % (i, i))
print("warm-up done; now the failing input")
parse(["x = 1", "y = 2", "z = not-a-number", "never = 0"])
print("never printed")
