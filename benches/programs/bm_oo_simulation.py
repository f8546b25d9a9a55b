"""Object-oriented bank simulation: small methods calling each other, properties, inheritance with super(), isinstance dispatch."""

import pyperf

ACCOUNTS = 24
DAYS = 60
TRANSACTIONS_PER_DAY = 150
SEED = 20240607
EXPECTED = ((2, 58650, 30467, 198890, 17404), 50473, (720469, 448224, 461399), 868, 10567,
            10468, 41463011)


class Rng(object):
    """A tiny linear congruential generator (the same on every Python version)."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state >> 4

    def below(self, n):
        return self.next() % n


class InsufficientFunds(Exception):
    pass


class Ledger(object):
    def __init__(self):
        self.entries = 0
        self.digest = 0

    def record(self, kind, account_id, amount):
        self.entries += 1
        self.digest = (self.digest * 33 + kind * 7 + account_id * 131 + amount) & 0xFFFFFFF


class Account(object):
    kind = 1
    fee = 0

    def __init__(self, account_id, owner, ledger):
        self.account_id = account_id
        self.owner = owner
        self.ledger = ledger
        self._balance = 0
        self.operations = 0

    @property
    def balance(self):
        return self._balance

    @balance.setter
    def balance(self, value):
        self._balance = value
        self.operations += 1

    def limit(self):
        return 0

    def can_withdraw(self, amount):
        return self.balance - amount - self.fee >= -self.limit()

    def deposit(self, amount):
        self.balance = self.balance + amount
        self.ledger.record(self.kind, self.account_id, amount)

    def withdraw(self, amount):
        if not self.can_withdraw(amount):
            raise InsufficientFunds(self.account_id)
        self.balance = self.balance - amount - self.fee
        self.ledger.record(self.kind, self.account_id, -amount)

    def end_of_day(self, day):
        pass


class CheckingAccount(Account):
    kind = 2
    fee = 1

    def __init__(self, account_id, owner, ledger, overdraft):
        super().__init__(account_id, owner, ledger)
        self.overdraft = overdraft

    def limit(self):
        return self.overdraft

    def end_of_day(self, day):
        super().end_of_day(day)
        if self.balance < 0:
            self.balance = self.balance - 2     # overdraft interest


class SavingsAccount(Account):
    kind = 3

    def __init__(self, account_id, owner, ledger, rate_per_mille):
        super().__init__(account_id, owner, ledger)
        self.rate = rate_per_mille
        self.withdrawals_today = 0

    def can_withdraw(self, amount):
        return self.withdrawals_today < 2 and super().can_withdraw(amount)

    def withdraw(self, amount):
        super().withdraw(amount)
        self.withdrawals_today += 1

    def end_of_day(self, day):
        super().end_of_day(day)
        self.withdrawals_today = 0
        if day % 10 == 9 and self.balance > 0:
            self.deposit(self.balance * self.rate // 1000)


class BusinessAccount(CheckingAccount):
    kind = 4
    fee = 3

    def limit(self):
        return super().limit() * 2 + 500


class Customer(object):
    def __init__(self, name, vip):
        self.name = name
        self.vip = vip
        self.accounts = []

    def open(self, account):
        self.accounts.append(account)
        return account

    def net_worth(self):
        total = 0
        for account in self.accounts:
            total += account.balance
        return total


class Transaction(object):
    def __init__(self, amount):
        self.amount = amount

    def apply(self, bank):
        raise NotImplementedError


class Deposit(Transaction):
    def __init__(self, account, amount):
        super().__init__(amount)
        self.account = account

    def apply(self, bank):
        self.account.deposit(self.amount)
        return True


class Withdrawal(Transaction):
    def __init__(self, account, amount):
        super().__init__(amount)
        self.account = account

    def apply(self, bank):
        try:
            self.account.withdraw(self.amount)
        except InsufficientFunds:
            bank.rejected += 1
            return False
        return True


class Transfer(Transaction):
    def __init__(self, source, target, amount):
        super().__init__(amount)
        self.source = source
        self.target = target

    def apply(self, bank):
        if self.source is self.target or not self.source.can_withdraw(self.amount):
            bank.rejected += 1
            return False
        self.source.withdraw(self.amount)
        self.target.deposit(self.amount)
        return True


class Bank(object):
    def __init__(self, rng):
        self.rng = rng
        self.ledger = Ledger()
        self.customers = []
        self.accounts = []
        self.rejected = 0
        self.volume = {Deposit: 0, Withdrawal: 0, Transfer: 0}

    def add_customer(self, index):
        customer = Customer("c%d" % index, index % 5 == 0)
        account_id = len(self.accounts)
        kind = index % 4
        if kind == 0:
            account = CheckingAccount(account_id, customer, self.ledger, 100 + index * 10)
        elif kind == 1:
            account = SavingsAccount(account_id, customer, self.ledger, 5 + index % 4)
        elif kind == 2:
            account = BusinessAccount(account_id, customer, self.ledger, 200)
        else:
            account = Account(account_id, customer, self.ledger)
        self.accounts.append(customer.open(account))
        self.customers.append(customer)
        account.deposit(1000 + index * 37)

    def random_transaction(self):
        rng = self.rng
        account = self.accounts[rng.below(len(self.accounts))]
        amount = 1 + rng.below(400)
        choice = rng.below(10)
        if choice < 4:
            return Deposit(account, amount)
        if choice < 7:
            return Withdrawal(account, amount)
        other = self.accounts[rng.below(len(self.accounts))]
        return Transfer(account, other, amount)

    def process(self, transaction):
        if isinstance(transaction, Transfer):
            key = Transfer
        elif isinstance(transaction, Withdrawal):
            key = Withdrawal
        else:
            key = Deposit
        if transaction.apply(self):
            self.volume[key] += transaction.amount

    def run_day(self, day, count):
        for _ in range(count):
            self.process(self.random_transaction())
        for account in self.accounts:
            account.end_of_day(day)

    def report(self):
        by_kind = [0, 0, 0, 0, 0]
        for account in self.accounts:
            by_kind[account.kind] += account.balance
            if isinstance(account, CheckingAccount) and account.balance < 0:
                by_kind[0] += 1
        vip = 0
        for customer in self.customers:
            if customer.vip:
                vip += customer.net_worth()
        return by_kind, vip


def workload():
    bank = Bank(Rng(SEED))
    for i in range(ACCOUNTS):
        bank.add_customer(i)
    for day in range(DAYS):
        bank.run_day(day, TRANSACTIONS_PER_DAY)
    by_kind, vip = bank.report()
    volume = (bank.volume[Deposit], bank.volume[Withdrawal], bank.volume[Transfer])
    operations = 0
    for account in bank.accounts:
        operations += account.operations
    return (tuple(by_kind), vip, volume, bank.rejected, operations,
            bank.ledger.entries, bank.ledger.digest)


def bench():
    result = workload()
    if result != EXPECTED:
        raise AssertionError("self-check failed: got %r, expected %r" % (result, EXPECTED))


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.metadata["description"] = __doc__
    runner.bench_func("oo_simulation", bench)
