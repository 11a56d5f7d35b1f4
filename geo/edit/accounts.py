"""Who may edit the data: named maintainers with argon2 password hashes, and a brake on guessing.

Accounts come from the parsed ``.streamlit/secrets.toml``::

    [maintainers.ada]
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$…"   # python -m geo hash-password
    email = "ada@example.org"                             # optional: the git author e-mail

The single shared password of earlier versions (``maintainer_password`` in the
secrets, or the ``ESCAPE_ROUTE_EDITOR_PASSWORD`` environment variable) keeps
working as the maintainer named ``maintainer``. With no account at all, editing
is off: a deployment must opt in to having a page that writes files.

What an attacker at the sign-in form learns, and what it costs them:

* never whether a name is a maintainer: an unknown name is checked against a
  dummy hash (the same argon2 work) and gets the same outcome, ``"wrong"``, and
  the same throttling, because the per-account counter is keyed by the name typed;
* every guess costs one argon2 verification, and failures slow down both the
  client that makes them and the account they target (see ``Throttle``).

Nothing here returns or logs a password. A signed-in session keeps a token, an
HMAC over the account's name and hash with a key that lives only in this server
process: it is useless in another process, and changing a password (so its
hash) signs that account out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, get_args

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from geo.data.findings import Finding, Severity, format_finding

#: The table of named maintainers in the secrets.
SECRETS_TABLE = "maintainers"
#: Where findings about accounts point the maintainer (``format_finding(f, SECRETS_FILE)``).
SECRETS_FILE = ".streamlit/secrets.toml"
#: The single shared password of earlier versions, in the secrets or the environment.
LEGACY_SECRET_KEY = "maintainer_password"
PASSWORD_ENV = "ESCAPE_ROUTE_EDITOR_PASSWORD"
#: The account the single shared password signs in as (also what a blank name means).
LEGACY_NAME = "maintainer"
#: What a maintainer name may look like: it becomes the git author name.
NAME_PATTERN = re.compile(r"^\w[\w .'-]{0,59}$")
#: Hash parameters beyond these are refused: each sign-in attempt would cost the server that much.
MAX_MEMORY_KIB = 512 * 1024
MAX_TIME_COST = 20
MAX_PARALLELISM = 16

#: Failures a client (one visitor's address) may make before each further attempt must wait.
CLIENT_FREE_FAILURES = 3
#: Failures against one account, from anywhere, before each attempt on it must wait. Larger than
#: the client allowance, so that the maintainer who mistypes is slowed by their own counter first.
ACCOUNT_FREE_FAILURES = 10
#: The wait doubles with each failure past the free ones (1, 2, 4 … s), up to this many seconds.
MAX_DELAY_S = 300.0
#: Clients and account names remembered by the throttle; the least recently failed are forgotten.
MAX_KEYS = 10_000
#: Longest name kept as a throttle key; longer input is cut, so a key costs bounded memory.
MAX_KEY_CHARS = 100

#: What one sign-in attempt came to. Stable: the page words each one.
#:
#: * ``"off"``: no account is configured; editing is off.
#: * ``"throttled"``: too many recent failures from this client or against this name;
#:   nothing was checked; ``wait_s`` says how long until the next attempt is accepted.
#: * ``"signed_in"``: ``token`` and ``account`` are set.
#: * ``"wrong"``: unknown name or wrong password (deliberately indistinguishable);
#:   ``wait_s`` is the wait this failure imposes on the next attempt (0 while attempts are free).
Outcome = Literal["off", "throttled", "signed_in", "wrong"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

_PROCESS_KEY = secrets.token_bytes(32)
_HASHER = argon2.PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (argon2-cffi's defaults), to paste into the secrets."""
    return _HASHER.hash(password)


# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Account:
    """One maintainer. ``secret`` is the argon2 hash, or for the legacy account the password itself."""

    name: str
    secret: str = field(repr=False)
    #: The git author e-mail, when one is configured.
    email: str | None = None
    #: True for the single shared password of earlier versions (``secret`` is then that password).
    legacy: bool = False

    def verify(self, password: str) -> bool:
        """Does ``password`` match? Costs one argon2 verification, whatever the kind of account."""
        if self.legacy:
            # Same work as an argon2 account, so that timing does not tell the legacy account apart.
            _verify(_dummy_hash(None), password)
            return hmac.compare_digest(password.encode("utf-8"), self.secret.encode("utf-8"))
        return _verify(self.secret, password)

    def token(self) -> str:
        """What a signed-in session stores instead of the password: bound to this process and hash."""
        message = b"escape-route-session\0" + self.name.encode("utf-8") + b"\0" + self.secret.encode("utf-8")
        return hmac.new(_PROCESS_KEY, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Accounts:
    """The maintainers who may sign in, and what was wrong with the entries that were ignored."""

    by_key: Mapping[str, Account] = field(default_factory=dict)
    #: One finding per ignored or doubtful entry; show them to whoever runs the server.
    problems: tuple[Finding, ...] = ()

    @property
    def editing_on(self) -> bool:
        return bool(self.by_key)

    @property
    def names(self) -> list[str]:
        return sorted(a.name for a in self.by_key.values())

    def get(self, name: str | None) -> Account | None:
        return self.by_key.get(name_key(name))

    def problem_lines(self) -> list[str]:
        return [format_finding(f, SECRETS_FILE) for f in self.problems]

    def dummy_hash(self) -> str:
        """The hash an unknown name is checked against: same parameters as a real account's."""
        for account in self.by_key.values():
            if not account.legacy:
                return _dummy_hash(_parameters(account.secret))
        return _dummy_hash(None)


def client_key(client: str | None) -> str:
    """How a client is throttled: its address (bounded); unknown clients share one counter.

    An IPv6 address counts as its /64 network: one visitor usually holds a whole
    /64 and could otherwise try from a new address every time.
    """
    if not (isinstance(client, str) and client):
        return "unknown client"
    try:
        address = ipaddress.ip_address(client)
        if address.version == 6:
            mapped = address.ipv4_mapped
            return str(mapped) if mapped else str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        pass
    return client[:MAX_KEY_CHARS]


def name_key(name: str | None) -> str:
    """How a typed name is looked up and throttled: trimmed, case-folded, bounded; blank is the legacy one."""
    text = name.strip() if isinstance(name, str) else ""
    return (text or LEGACY_NAME).casefold()[:MAX_KEY_CHARS]


def _finding(key: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(severity, SECRETS_FILE, message, field=key)


_CANNOT = "this maintainer cannot sign in until it is fixed"
_HOW = "make one with `python -m geo hash-password`"


def _parameters(hash_: str) -> argon2.Parameters | None:
    try:
        return argon2.extract_parameters(hash_)
    except (InvalidHashError, ValueError, TypeError):
        return None


def _hash_problem(value: object) -> str | None:
    """Why ``value`` is not a usable argon2 hash, or None. Never quotes the value: it may be a password."""
    if not isinstance(value, str) or not value.strip():
        return f"password_hash must be the text of an argon2 hash; {_HOW}"
    value = value.strip()
    params = _parameters(value) if value.startswith("$argon2") else None
    if params is None:
        return f"not an argon2 hash (it starts with $argon2id$); {_HOW}"
    if (
        params.memory_cost > MAX_MEMORY_KIB
        or params.time_cost > MAX_TIME_COST
        or params.parallelism > MAX_PARALLELISM
    ):
        return (
            f"the hash's parameters (m={params.memory_cost}, t={params.time_cost}, p={params.parallelism}) "
            f"would make every sign-in attempt too costly for the server; {_HOW}"
        )
    return None


def _email_problem(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[^\s<>@]+@[^\s<>@]+", value.strip()):
        return None
    return "email must look like name@example.org; the default maintainer address is used instead"


def _named_account(name: object, entry: object) -> tuple[Account | None, list[Finding]]:
    key = f"{SECRETS_TABLE}.{name}"
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        return None, [
            _finding(
                f"{SECRETS_TABLE}.{str(name)[:40]!r}",
                "a maintainer name is 1 to 60 letters, digits, spaces, dots, apostrophes, hyphens or "
                f"underscores, starting with a letter or digit; {_CANNOT}",
            )
        ]
    if not isinstance(entry, Mapping):
        return None, [
            _finding(
                key,
                f'must be a table, [{key}] with password_hash = "…" under it ({_HOW}); {_CANNOT}',
            )
        ]
    if "password_hash" not in entry:
        if "password" in entry:
            message = (
                "has a password but no password_hash: never store a password here, store its hash "
                f"({_HOW}) and delete the password line; {_CANNOT}"
            )
        else:
            message = f'password_hash = "…" is missing ({_HOW}); {_CANNOT}'
        return None, [_finding(key, message)]
    problem = _hash_problem(entry["password_hash"])
    if problem is not None:
        return None, [_finding(f"{key}.password_hash", f"{problem}; {_CANNOT}")]
    findings = []
    if "password" in entry:
        findings.append(
            _finding(
                f"{key}.password",
                "a password is stored next to the hash: delete it, only the hash is used",
                Severity.WARNING,
            )
        )
    email = entry.get("email")
    email_problem = _email_problem(email) if email is not None else None
    if email_problem:
        findings.append(_finding(f"{key}.email", email_problem, Severity.WARNING))
        email = None
    return Account(name, entry["password_hash"].strip(), email.strip() if email else None), findings


def load_accounts(secret_values: Mapping[str, object], env: Mapping[str, str]) -> Accounts:
    """The maintainers configured in ``secret_values`` (parsed secrets.toml) and ``env``. Never raises."""
    accounts: dict[str, Account] = {}
    problems: list[Finding] = []
    table = secret_values.get(SECRETS_TABLE) if isinstance(secret_values, Mapping) else None
    if table is not None and not isinstance(table, Mapping):
        problems.append(
            _finding(
                SECRETS_TABLE,
                f'must hold one table per maintainer, e.g. [{SECRETS_TABLE}.ada] with password_hash = "…"; '
                "no named maintainer can sign in until it is fixed",
            )
        )
        table = None
    for name, entry in (table or {}).items():
        account, found = _named_account(name, entry)
        problems += found
        if account is None:
            continue
        key = name_key(account.name)
        if key in accounts:
            problems.append(
                _finding(
                    f"{SECRETS_TABLE}.{name}",
                    f"the same name as {accounts[key].name!r} (names ignore case); {_CANNOT}",
                )
            )
            continue
        accounts[key] = account

    legacy = None
    for value in (
        secret_values.get(LEGACY_SECRET_KEY) if isinstance(secret_values, Mapping) else None,
        env.get(PASSWORD_ENV),
    ):
        if isinstance(value, str) and value.strip():
            legacy = value
            break
    if legacy is not None:
        if name_key(LEGACY_NAME) in accounts:
            problems.append(
                _finding(
                    LEGACY_SECRET_KEY,
                    f"ignored: [{SECRETS_TABLE}.{LEGACY_NAME}] is configured, and its hash wins; "
                    f"delete {LEGACY_SECRET_KEY} (or {PASSWORD_ENV})",
                    Severity.WARNING,
                )
            )
        else:
            accounts[name_key(LEGACY_NAME)] = Account(LEGACY_NAME, legacy, legacy=True)
    return Accounts(accounts, tuple(problems))


def _verify(hash_: str, password: str) -> bool:
    try:
        return _HASHER.verify(hash_, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash(params: argon2.Parameters | None) -> str:
    """A hash of a random password nobody knows: verifying against it costs what a real one does."""
    if params is None:
        return _dummy_hash_for(None)
    return _dummy_hash_for(dataclasses.astuple(params))


@lru_cache(maxsize=8)
def _dummy_hash_for(key: tuple | None) -> str:
    hasher = _HASHER if key is None else argon2.PasswordHasher.from_parameters(argon2.Parameters(*key))
    return hasher.hash(secrets.token_urlsafe(16))


def token_account(token: object, accounts: Accounts) -> str | None:
    """Which maintainer a session token belongs to, or None (forged, from another process, or stale)."""
    if not isinstance(token, str):
        return None
    given = token.encode("ascii", "replace")
    found = None
    for account in accounts.by_key.values():
        # Compare with every account, so the time taken does not depend on which one matched.
        if hmac.compare_digest(given, account.token().encode("ascii")):
            found = account.name
    return found


# --------------------------------------------------------------------------- throttle


@dataclass
class _Counter:
    failures: int = 0
    next_allowed: float = 0.0


class _Counters:
    """Failure counters per key, remembering at most ``max_keys`` (the least recently failed go first).

    Forgetting by last failure keeps an account under attack remembered: its counter
    is refreshed by every attempt on it, so an attacker would have to fail
    ``max_keys`` times on other keys between two attempts to reset it.
    """

    def __init__(self, free: int, max_delay_s: float, max_keys: int) -> None:
        self.free = free
        self.max_delay_s = max_delay_s
        self.max_keys = max_keys
        self._items: OrderedDict[str, _Counter] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def wait_s(self, key: str, now: float) -> float:
        counter = self._items.get(key)
        return max(0.0, counter.next_allowed - now) if counter else 0.0

    def failures(self, key: str) -> int:
        counter = self._items.get(key)
        return counter.failures if counter else 0

    def fail(self, key: str, now: float) -> None:
        counter = self._items.pop(key, None) or _Counter()
        counter.failures += 1
        extra = counter.failures - self.free
        delay = 0.0 if extra <= 0 else min(self.max_delay_s, 2.0 ** min(extra - 1, 30))
        counter.next_allowed = now + delay
        self._items[key] = counter
        while len(self._items) > self.max_keys:
            self._items.popitem(last=False)

    def clear(self, key: str) -> None:
        self._items.pop(key, None)


class Throttle:
    """Server-wide brake on password guessing, per client and per account.

    Per client (the visitor's address): a few free failures, then a doubling
    wait. Server-wide rather than per session, because opening a new tab is free.

    Per account name (as typed, so unknown names behave exactly like real ones):
    a larger allowance, then the same doubling wait, so that a guesser spread over
    many addresses slows down only the account under attack, never the others.
    Only a client's free failures count against an account: past them the client
    is braked by its own counter, and if its slow guesses counted too, one visitor
    guessing every few minutes would keep that maintainer locked out for good.

    An attempt is counted as a failure when it is admitted (``admit``) and the
    count is cleared if it succeeds, so that parallel attempts from one client
    cannot slip past the brake while their argon2 checks run.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        client_free: int = CLIENT_FREE_FAILURES,
        account_free: int = ACCOUNT_FREE_FAILURES,
        max_delay_s: float = MAX_DELAY_S,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._clients = _Counters(client_free, max_delay_s, max_keys)
        self._accounts = _Counters(account_free, max_delay_s, max_keys)

    def wait_s(self, client: str | None, account: str | None) -> float:
        """Seconds until this client may try this account (0: now)."""
        with self._lock:
            now = self._clock()
            return max(
                self._clients.wait_s(client_key(client), now), self._accounts.wait_s(name_key(account), now)
            )

    def admit(self, client: str | None, account: str | None) -> float:
        """Admit an attempt (returns 0, and counts it as failed until ``succeeded``), or return the wait."""
        ckey, akey = client_key(client), name_key(account)
        with self._lock:
            now = self._clock()
            wait = max(self._clients.wait_s(ckey, now), self._accounts.wait_s(akey, now))
            if wait > 0:
                return wait
            within_allowance = self._clients.failures(ckey) < self._clients.free
            self._clients.fail(ckey, now)
            if within_allowance:
                self._accounts.fail(akey, now)
            return 0.0

    def succeeded(self, client: str | None, account: str | None) -> None:
        with self._lock:
            self._clients.clear(client_key(client))
            self._accounts.clear(name_key(account))

    def failures(self, *, client: str | None = None, account: str | None = None) -> int:
        """Failures counted for a client or an account name (for the page and for tests)."""
        with self._lock:
            if client is not None:
                return self._clients.failures(client_key(client))
            return self._accounts.failures(name_key(account))

    def remembered(self) -> tuple[int, int]:
        """(clients, account names) currently remembered: bounded by ``max_keys`` each."""
        with self._lock:
            return len(self._clients), len(self._accounts)


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class Attempt:
    """What one sign-in attempt came to. See ``Outcome`` for each outcome's meaning."""

    token: str | None
    outcome: Outcome
    #: Seconds until the next attempt is allowed: still to wait (throttled) or imposed by this failure.
    wait_s: float = 0.0
    #: The maintainer's name as configured, when signed in.
    account: str | None = None


def attempt(
    name: str | None, password: str | None, accounts: Accounts, throttle: Throttle, client: str | None
) -> Attempt:
    """One sign-in attempt by ``client`` (e.g. the visitor's IP address) as maintainer ``name``.

    A blank name means the legacy shared password's account, ``maintainer``.
    Neither the result nor anything logged ever contains the password.
    """
    if not accounts.editing_on:
        return Attempt(None, "off")
    wait = throttle.admit(client, name)
    if wait > 0:
        return Attempt(None, "throttled", wait)
    account = accounts.get(name)
    given = password if isinstance(password, str) else ""
    if account is None:
        _verify(accounts.dummy_hash(), given)
        ok = False
    else:
        ok = account.verify(given)
    if ok and account is not None:
        throttle.succeeded(client, name)
        return Attempt(account.token(), "signed_in", 0.0, account.name)
    return Attempt(None, "wrong", throttle.wait_s(client, name))
