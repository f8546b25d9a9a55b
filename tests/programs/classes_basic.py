"""Classes: instances, inheritance, super(), MRO, properties, class/static methods,
__slots__, class attributes vs instance attributes, isinstance/issubclass."""


class Animal:
    kingdom = "animalia"
    count = 0

    def __init__(self, name, sound="..."):
        self.name = name
        self.sound = sound
        Animal.count += 1

    def speak(self):
        return "%s says %s" % (self.name, self.sound)

    def describe(self):
        return "%s (%s)" % (self.speak(), type(self).__name__)

    @classmethod
    def create(cls, name):
        return cls(name)

    @staticmethod
    def legs_of(kind):
        return {"dog": 4, "bird": 2}.get(kind, 0)

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.name)


class Dog(Animal):
    def __init__(self, name):
        super().__init__(name, "woof")
        self.tricks = []

    def speak(self):
        return super().speak() + "!"

    def add_trick(self, trick):
        self.tricks.append(trick)
        return self


class Puppy(Dog):
    def speak(self):
        return super(Puppy, self).speak().replace("woof", "yip")


class Bird(Animal):
    def __init__(self, name):
        Animal.__init__(self, name, "tweet")


print(Dog("rex").describe(), Puppy("bit").describe(), Bird("tweety").describe(), Animal("x").describe())
print(Animal.count, Dog.count, Dog.kingdom, Puppy.create("made"), Dog.legs_of("dog"), Animal.legs_of("fish"))
d = Dog("fido").add_trick("sit").add_trick("roll")
print(d.tricks, d.__dict__ == {"name": "fido", "sound": "woof", "tricks": ["sit", "roll"]})
print([c.__name__ for c in Puppy.__mro__], Puppy.__bases__, Puppy.__base__.__name__)
print(isinstance(d, Animal), isinstance(d, Bird), issubclass(Puppy, Animal), issubclass(Bird, (Dog, Animal)))
d.kingdom = "instance shadow"
print(d.kingdom, Dog.kingdom, Animal.kingdom)
del d.kingdom
print(d.kingdom)
Animal.kingdom = "changed on base"
print(d.kingdom, Puppy.kingdom)


# Diamond inheritance and cooperative super().
class Base:
    def __init__(self):
        self.trail = ["Base"]

    def who(self):
        return ["Base"]


class Left(Base):
    def __init__(self):
        super().__init__()
        self.trail.append("Left")

    def who(self):
        return ["Left"] + super().who()


class Right(Base):
    def __init__(self):
        super().__init__()
        self.trail.append("Right")

    def who(self):
        return ["Right"] + super().who()


class Bottom(Left, Right):
    def __init__(self):
        super().__init__()
        self.trail.append("Bottom")

    def who(self):
        return ["Bottom"] + super().who()


b = Bottom()
print(b.trail, b.who(), [c.__name__ for c in Bottom.mro()])
try:
    class Impossible(Left, Base, Right):
        pass
except TypeError as e:
    print("TypeError:", e)


class Temperature:
    def __init__(self, celsius=0.0):
        self._celsius = celsius

    @property
    def celsius(self):
        return self._celsius

    @celsius.setter
    def celsius(self, value):
        if value < -273.15:
            raise ValueError("below absolute zero")
        self._celsius = value

    @celsius.deleter
    def celsius(self):
        print("  deleting celsius")
        self._celsius = None

    @property
    def fahrenheit(self):
        return self._celsius * 9 / 5 + 32


t = Temperature(25)
print(t.celsius, t.fahrenheit)
t.celsius = 100
print(t.celsius, t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError:", e)
try:
    t.fahrenheit = 5
except AttributeError as e:
    print("AttributeError:", type(e).__name__)
del t.celsius
print(t.celsius, type(Temperature.celsius).__name__)


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self, x):
        self.x = x


class SlottedChild(Slotted):
    __slots__ = ("z",)


s = Slotted(1)
print(s.x, hasattr(s, "__dict__"), Slotted.__slots__)
try:
    s.w = 5
except AttributeError as e:
    print("AttributeError:", e)
try:
    print(s.y)
except AttributeError as e:
    print("AttributeError:", e)
s.y = 2
del s.x
print(s.y, hasattr(s, "x"))
sc = SlottedChild(3)
sc.z = 4
print(sc.x, sc.z, type(SlottedChild.z).__name__)


class Counter:
    instances = []

    def __init__(self):
        Counter.instances.append(self)
        self.n = len(Counter.instances)

    def __eq__(self, other):
        return isinstance(other, Counter) and other.n == self.n

    def __hash__(self):
        return hash(self.n)


for _ in range(300):
    Counter()
print(len(Counter.instances), Counter.instances[-1].n, len(set(Counter.instances)))
print(type(d) is Dog, type(Dog) is type, type(type), Dog.__name__, Dog.__qualname__, Dog.__module__)
bound = d.speak
print(bound(), bound.__self__ is d, bound.__func__ is Dog.speak, Dog.speak(d))
print(getattr(d, "name"), getattr(d, "missing", "default"), hasattr(d, "tricks"))
setattr(d, "dynamic", 42)
delattr(d, "tricks")
print(sorted(vars(d)))


class Empty:
    pass


e = Empty()
e.anything = 1
print(vars(e), Empty.__bases__, Empty.__doc__)
