"""Named maintainers with argon2 hashes, the legacy shared password, and the two-level throttle."""

from __future__ import annotations

import threading

import argon2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.data.findings import Severity
from geo.edit import accounts as acc

#: Cheap parameters so that the tests run fast; the real hashes use argon2-cffi's defaults.
CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ADA_HASH = CHEAP.hash("ada's long passphrase")
GRACE_HASH = CHEAP.hash("grace's long passphrase")


def secrets(**extra: object) -> dict:
    return {
        "maintainers": {"ada": {"password_hash": ADA_HASH}, "grace": {"password_hash": GRACE_HASH}},
        **extra,
    }


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock: FakeClock) -> acc.Throttle:
    return acc.Throttle(clock)


# ------------------------------------------------------------------ hashing and loading


def test_hash_password_makes_an_argon2id_hash_that_verifies():
    hashed = acc.hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert argon2.PasswordHasher().verify(hashed, "correct horse")
    assert hashed != acc.hash_password("correct horse"), "salted"


def test_named_accounts_load():
    accounts = acc.load_accounts(secrets(), {})
    assert accounts.editing_on
    assert accounts.names == ["ada", "grace"]
    assert accounts.problems == ()
    assert accounts.get("Ada ").name == "ada", "names ignore case and surrounding spaces"


def test_no_account_means_editing_is_off():
    accounts = acc.load_accounts({}, {})
    assert not accounts.editing_on
    result = acc.attempt("ada", "anything", accounts, acc.Throttle(), "1.2.3.4")
    assert result == acc.Attempt(None, "off")


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ("not a table", "maintainers.bob", "must be a table"),
        ({}, "maintainers.bob", "password_hash"),
        ({"password": "hunter2"}, "maintainers.bob", "never store a password here"),
        ({"password_hash": "hunter2"}, "maintainers.bob.password_hash", "not an argon2 hash"),
        ({"password_hash": "$2b$12$abcdefghijklmnopqrstuv"}, "maintainers.bob.password_hash", "argon2"),
        ({"password_hash": "$argon2id$v=19$m=1,t=1$garbage"}, "maintainers.bob.password_hash", "argon2"),
        ({"password_hash": 42}, "maintainers.bob.password_hash", "argon2"),
        (
            {"password_hash": "$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHRzYWx0$" + "A" * 43},
            "maintainers.bob.password_hash",
            "too costly",
        ),
    ],
)
def test_a_malformed_entry_is_reported_by_key_and_ignored(entry, field, words):
    accounts = acc.load_accounts(secrets(maintainers={"ada": {"password_hash": ADA_HASH}, "bob": entry}), {})
    assert accounts.names == ["ada"], "the good entry still works"
    [problem] = accounts.problems
    assert problem.severity is Severity.ERROR
    assert problem.field == field
    assert words in problem.message
    line = accounts.problem_lines()[0]
    assert line.startswith(".streamlit/secrets.toml: maintainers.bob")
    assert "hunter2" not in line, "a value that may be a password is never repeated"


def test_odd_names_and_duplicates_are_reported():
    table = {"ada": {"password_hash": ADA_HASH}, "ADA": {"password_hash": GRACE_HASH}, "-x": {}}
    accounts = acc.load_accounts({"maintainers": table}, {})
    assert accounts.names == ["ada"]
    messages = " | ".join(p.message for p in accounts.problems)
    assert "the same name as 'ada'" in messages
    assert "a maintainer name is" in messages


def test_maintainers_that_is_not_a_table_is_reported():
    accounts = acc.load_accounts({"maintainers": "ada"}, {})
    assert not accounts.editing_on
    assert accounts.problems[0].field == "maintainers"


def test_an_email_can_be_configured():
    table = {"ada": {"password_hash": ADA_HASH, "email": "ada@example.org"}}
    table["grace"] = {"password_hash": GRACE_HASH, "email": "not an address"}
    accounts = acc.load_accounts({"maintainers": table}, {})
    assert accounts.get("ada").email == "ada@example.org"
    assert accounts.get("grace").email is None
    assert [p.severity for p in accounts.problems] == [Severity.WARNING]


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children),
        max_leaves=12,
    )
)
@settings(max_examples=150, deadline=None)
def test_loading_never_raises(table):
    accounts = acc.load_accounts({"maintainers": table, "maintainer_password": table}, {})
    assert isinstance(accounts.problems, tuple)


def test_nothing_prints_the_legacy_password():
    accounts = acc.load_accounts({"maintainer_password": "sesame"}, {})
    assert "sesame" not in repr(accounts)
    assert "sesame" not in repr(accounts.get("maintainer"))


# ------------------------------------------------------------------ sign-in


def test_named_maintainers_sign_in(throttle):
    accounts = acc.load_accounts(secrets(), {})
    result = acc.attempt("grace", "grace's long passphrase", accounts, throttle, "10.0.0.1")
    assert result.outcome == "signed_in"
    assert result.account == "grace"
    assert acc.token_account(result.token, accounts) == "grace"
    assert "passphrase" not in result.token


def test_one_maintainers_password_does_not_open_another_account(throttle):
    accounts = acc.load_accounts(secrets(), {})
    result = acc.attempt("ada", "grace's long passphrase", accounts, throttle, "10.0.0.1")
    assert result.outcome == "wrong"
    assert result.token is None


@pytest.mark.parametrize(
    ("secret_values", "env"),
    [({"maintainer_password": "sesame"}, {}), ({}, {acc.PASSWORD_ENV: "sesame"})],
)
def test_the_old_single_password_still_signs_in_as_maintainer(secret_values, env, throttle):
    accounts = acc.load_accounts(secret_values, env)
    for name in ("maintainer", "", None):
        result = acc.attempt(name, "sesame", accounts, throttle, "10.0.0.1")
        assert result.outcome == "signed_in"
        assert result.account == "maintainer"
        assert acc.token_account(result.token, accounts) == "maintainer"
    assert acc.attempt("maintainer", "sesam", accounts, throttle, "10.0.0.1").outcome == "wrong"


def test_legacy_password_lives_alongside_named_accounts():
    accounts = acc.load_accounts(secrets(maintainer_password="sesame"), {})
    assert accounts.names == ["ada", "grace", "maintainer"]
    shadowed = acc.load_accounts(
        {"maintainers": {"maintainer": {"password_hash": ADA_HASH}}, "maintainer_password": "sesame"}, {}
    )
    assert not shadowed.get("maintainer").legacy
    assert shadowed.problems[0].severity is Severity.WARNING


def test_secrets_password_wins_over_environment():
    accounts = acc.load_accounts({"maintainer_password": "s3"}, {acc.PASSWORD_ENV: "env"})
    assert accounts.get("maintainer").verify("s3")
    assert not accounts.get("maintainer").verify("env")


def test_unknown_account_and_wrong_password_look_the_same(clock, monkeypatch):
    accounts = acc.load_accounts(secrets(), {})
    verified: list[str] = []
    real = acc._verify

    def counting(hash_: str, password: str) -> bool:
        verified.append(hash_)
        return real(hash_, password)

    monkeypatch.setattr(acc, "_verify", counting)
    results = {}
    for name in ("ada", "nobody"):
        throttle = acc.Throttle(clock)
        results[name] = [acc.attempt(name, "guess", accounts, throttle, "10.0.0.9") for _ in range(6)]
    assert results["ada"] == results["nobody"], "same outcomes and same waits"
    assert {r.outcome for r in results["ada"]} == {"wrong", "throttled"}
    # Each admitted attempt costs one argon2 verification, with the same parameters.
    assert len(verified) == 2 * sum(r.outcome == "wrong" for r in results["ada"])
    params = {str(argon2.extract_parameters(h)) for h in verified}
    assert len(params) == 1


def test_tokens_are_bound_to_the_hash_and_the_process():
    accounts = acc.load_accounts(secrets(), {})
    token = accounts.get("ada").token()
    assert acc.token_account(token, accounts) == "ada"
    table = {"ada": {"password_hash": CHEAP.hash("new")}, "grace": {"password_hash": GRACE_HASH}}
    changed = acc.load_accounts({"maintainers": table}, {})
    assert acc.token_account(token, changed) is None, "a new password signs that account out"
    assert acc.token_account(accounts.get("grace").token(), changed) == "grace", "and no one else"
    for forged in ("forged", "", None, 42, "é" * 64, token.upper()):
        assert acc.token_account(forged, accounts) is None


def test_a_token_from_another_process_is_useless(monkeypatch):
    accounts = acc.load_accounts(secrets(), {})
    token = accounts.get("ada").token()
    monkeypatch.setattr(acc, "_PROCESS_KEY", b"another process" * 2)
    assert acc.token_account(token, accounts) is None


# ------------------------------------------------------------------ throttle


def test_client_throttle_doubles_after_three_failures(clock, throttle):
    accounts = acc.load_accounts(secrets(), {})
    for _ in range(acc.CLIENT_FREE_FAILURES):
        assert acc.attempt("ada", "guess", accounts, throttle, "10.0.0.1") == acc.Attempt(None, "wrong", 0.0)
    waits = []
    for _ in range(4):
        result = acc.attempt("ada", "guess", accounts, throttle, "10.0.0.1")
        assert result.outcome == "wrong"
        waits.append(result.wait_s)
        # Even the right password waits out the delay, and nothing is checked meanwhile.
        early = acc.attempt("ada", "ada's long passphrase", accounts, throttle, "10.0.0.1")
        assert (early.outcome, early.wait_s) == ("throttled", result.wait_s)
        clock.now += result.wait_s
    assert waits == [1, 2, 4, 8]
    ok = acc.attempt("ada", "ada's long passphrase", accounts, throttle, "10.0.0.1")
    assert ok.outcome == "signed_in"
    assert throttle.failures(client="10.0.0.1") == 0
    assert throttle.failures(account="ada") == 0


def test_delay_is_capped(clock, throttle):
    for _ in range(60):
        clock.now += acc.MAX_DELAY_S
        assert throttle.admit("10.0.0.1", "ada") == 0
    assert throttle.wait_s("10.0.0.1", "ada") == acc.MAX_DELAY_S


def test_one_clients_failures_do_not_slow_another_client_or_account(clock, throttle):
    accounts = acc.load_accounts(secrets(), {})
    for _ in range(8):
        acc.attempt("ada", "guess", accounts, throttle, "10.0.0.66")
    assert acc.attempt("ada", "guess", accounts, throttle, "10.0.0.66").outcome == "throttled"
    result = acc.attempt("grace", "grace's long passphrase", accounts, throttle, "10.0.0.7")
    assert result.outcome == "signed_in"
    # Another client may still try the account the first one failed on: its allowance is larger.
    assert acc.attempt("ada", "ada's long passphrase", accounts, throttle, "10.0.0.8").outcome == "signed_in"


def test_a_distributed_guesser_slows_only_the_account_under_attack(clock, throttle):
    accounts = acc.load_accounts(secrets(), {})
    results = [
        acc.attempt("ada", "guess", accounts, throttle, f"10.1.0.{n}")
        for n in range(acc.ACCOUNT_FREE_FAILURES + 1)
    ]
    assert [r.outcome for r in results] == ["wrong"] * (acc.ACCOUNT_FREE_FAILURES + 1)
    assert [r.wait_s for r in results][-2:] == [0, 1], "each client failed once; ada's allowance ran out"
    fresh_client = acc.attempt("ada", "ada's long passphrase", accounts, throttle, "10.9.9.9")
    assert (fresh_client.outcome, fresh_client.wait_s) == ("throttled", 1)
    other = acc.attempt("grace", "grace's long passphrase", accounts, throttle, "10.1.0.1")
    assert other.outcome == "signed_in", "the other maintainers are not slowed"
    clock.now += fresh_client.wait_s
    assert acc.attempt("ada", "ada's long passphrase", accounts, throttle, "10.9.9.9").outcome == "signed_in"


def test_throttle_memory_is_bounded(clock):
    throttle = acc.Throttle(clock, max_keys=50)
    for n in range(500):
        throttle.admit(f"client-{n}", f"name-{n}")
    assert throttle.remembered() == (50, 50)
    assert throttle.failures(client="client-0") == 0, "the oldest are forgotten"
    assert throttle.failures(client="client-499") == 1


def test_throttle_is_thread_safe(clock):
    throttle = acc.Throttle(clock, client_free=10_000, account_free=10_000)

    def hammer() -> None:
        for _ in range(200):
            throttle.admit("10.0.0.1", "ada")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert throttle.failures(client="10.0.0.1") == 1600
    assert throttle.failures(account="ada") == 1600


def test_parallel_attempts_are_all_counted(clock):
    """Counting on admission: concurrent guesses cannot all slip in while the argon2 checks run."""
    accounts = acc.load_accounts(secrets(), {})
    throttle = acc.Throttle(clock)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def guess() -> None:
        barrier.wait()
        outcomes.append(acc.attempt("ada", "guess", accounts, throttle, "10.0.0.1").outcome)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("wrong") == acc.CLIENT_FREE_FAILURES + 1
    assert outcomes.count("throttled") == 10 - acc.CLIENT_FREE_FAILURES - 1


def test_outcomes_are_stable():
    assert acc.OUTCOMES == ("off", "throttled", "signed_in", "wrong")
