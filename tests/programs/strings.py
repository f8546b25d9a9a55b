"""String operations: methods, indexing, slicing, searching, splitting, encoding, bytes."""

s = "Hello, World! Pyston-lite in Rust."
print(len(s), s.upper(), s.lower(), s.title(), s.swapcase(), s.casefold())
print(s[0], s[-1], s[7:12], s[::-1], s[::3], s[-5:-1], s[100:], repr(s[5:5]))
print(s.find("o"), s.rfind("o"), s.index("World"), s.count("l"), s.find("zzz"), "lite" in s)
print(s.split(), s.split(",", 1), s.rsplit(" ", 2), "a,b,,c".split(","), "  x  y ".split())
print("-".join(["a", "b", "c"]), "".join(reversed("abc")), ", ".join(str(i) for i in range(5)))
print(s.replace("l", "L"), s.replace("l", "", 2), s.startswith("Hell"), s.endswith(("x", ".")))
print(repr("  pad  ".strip()), repr("xxhixx".strip("x")), repr("  a".lstrip()), repr("b  ".rstrip()))
print("abc".center(9, "*"), "abc".ljust(6, "."), "abc".rjust(6), "42".zfill(5), "-42".zfill(6))
print("isdigit", "123".isdigit(), "12a".isalnum(), "abc".isalpha(), "   ".isspace(), "Title Case".istitle())
print("partition", "key=value=x".partition("="), "key=value=x".rpartition("="), "none".partition("="))
print("splitlines", "a\nb\r\nc\rd".splitlines(), "a\nb\n".splitlines(True))
print("expandtabs", repr("a\tb\tc".expandtabs(4)))
table = str.maketrans("abc", "xyz", "!")
print("translate", "aabbcc!!".translate(table))
print("ord/chr", [ord(c) for c in "AZaz09"], "".join(chr(c) for c in range(65, 75)))
print("compare", "apple" < "banana", "Zebra" < "apple", "abc" == "ab" + "c", "a" * 3)
u = "naïve café ☕ 日本"
print(len(u), u.upper(), ascii(u), u.encode("utf-8"), u.encode("utf-8").decode("utf-8") == u)
print(u.encode("latin-1", "replace"), u.encode("ascii", "ignore"), repr(u[6:10]))
print([c.isalpha() for c in u[:6]], u.isprintable(), "\x00".isprintable())
try:
    u.encode("ascii")
except UnicodeEncodeError as e:
    print("UnicodeEncodeError:", e.reason, e.start, e.end)
try:
    b"\xff\xfe".decode("utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError:", e.reason)
try:
    s[100]
except IndexError as e:
    print("IndexError:", e)
try:
    s[0] = "h"
except TypeError as e:
    print("TypeError:", e)

b = b"bytes\x00\xff data"
print(b, len(b), b[0], b[-1], b[1:4], b.upper(), b.split(b" "), b.hex(), bytes.fromhex("de ad be ef"))
ba = bytearray(b"hello")
ba[0] = ord("J")
ba.extend(b" world")
ba += b"!"
del ba[5:11]
print(ba, bytes(ba), ba.decode(), list(ba[:3]), ba.count(b"l"))
mv = memoryview(bytearray(range(10)))
mv[2:4] = b"\xaa\xbb"
print(mv.tolist(), bytes(mv[::2]), mv.nbytes, mv[5])
print(bytes(5), bytes([1, 2, 3]), b"%d-%s" % (5, b"x"), b"a" in b"cat", b"ab" * 3)

words = "the quick brown fox jumps over the lazy dog the end".split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(sorted(counts.items()), max(words, key=len), sorted(words, key=lambda w: (-len(w), w)))
acc = ""
for i in range(200):
    acc += chr(97 + i % 26)
    if i % 50 == 49:
        print("acc", len(acc), acc[-10:])
print("is", "".join(["a", "b"]) == "ab", str(123) + str(4.5) + str(None) + str([1]))
print("multiplied", "-" * 20, "ab" * 0, 3 * "xy")
print("repr", repr("quote'"), repr('dq"'), repr("both'\""), repr("\n\t\\"), str(b"x"), repr(r"\d"))
