"""Bearer-token verification (DESIGN §4): negative matrix, dev issuer, JWKS mode."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from pydantic import SecretStr

from shared.auth import (
    DEV_PRIVATE_KEY_FILE,
    DEV_PUBLIC_KEY_FILE,
    VERIFIED_TTL_S,
    AuthConfigurationError,
    DevKeys,
    Principal,
    Role,
    TokenVerifier,
    dev_jwks,
    load_or_create_dev_keypair,
    mint_dev_token,
)
from shared.config import BaseServiceSettings, Environment
from shared.errors import Unauthorized, UpstreamUnavailable

ISSUER = "casework-test-issuer"
AUDIENCE = "intake"
JWKS_URL = "https://login.example/tenant/discovery/v2.0/keys"
DB_URL = "postgresql://x@localhost/x"


def make_settings(keys_dir: Path, **overrides: Any) -> BaseServiceSettings:
    # ``env`` has validation_alias "ENV": the keyword ``env=`` would be silently ignored.
    values: dict[str, Any] = {
        "database_url": DB_URL,
        "ENV": "testing",
        "dev_keys_dir": keys_dir,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "jwt_algorithm": "RS256",
        "jwt_jwks_url": None,
        "jwt_leeway_s": 30,
    }
    values.update(overrides)
    return BaseServiceSettings(**values)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def now_ts() -> int:
    return int(time.time())


def new_rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


_DROP = object()  # marker: remove this claim


def good_claims(**changes: Any) -> dict[str, Any]:
    t = now_ts()
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "user-123",
        "aud": AUDIENCE,
        "roles": ["caseworker"],
        "iat": t,
        "nbf": t,
        "exp": t + 600,
        "jti": "jti-1",
    }
    for name, value in changes.items():
        if value is _DROP:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def dev_keys(keys_dir: Path) -> DevKeys:
    return load_or_create_dev_keypair(keys_dir)


@pytest.fixture
def verifier(keys_dir: Path, dev_keys: DevKeys) -> TokenVerifier:
    return TokenVerifier(make_settings(keys_dir))


def sign_dev(dev_keys: DevKeys, claims: dict[str, Any], **headers: Any) -> str:
    return jwt.encode(
        claims, dev_keys.private_pem, algorithm="RS256", headers={"kid": dev_keys.kid, **headers}
    )


# ---------------------------------------------------------------------------------------------
# Negative matrix: every case must give Unauthorized
# ---------------------------------------------------------------------------------------------


def _alg_none(k: DevKeys) -> str:
    header = b64url_json({"alg": "none", "typ": "JWT", "kid": k.kid})
    return f"{header}.{b64url_json(good_claims(roles=['ombudsman']))}."


def _alg_none_capitalised(k: DevKeys) -> str:
    header = b64url_json({"alg": "None", "typ": "JWT"})
    return f"{header}.{b64url_json(good_claims())}."


def _hs256_with_public_key(k: DevKeys) -> str:
    header = b64url_json({"alg": "HS256", "typ": "JWT", "kid": k.kid})
    payload = b64url_json(good_claims(roles=["ombudsman"]))
    signing_input = f"{header}.{payload}".encode()
    sig = hmac.new(k.public_pem.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(sig)}"


def _rs512(k: DevKeys) -> str:
    return jwt.encode(good_claims(), k.private_pem, algorithm="RS512", headers={"kid": k.kid})


def _other_rsa_key(k: DevKeys) -> str:
    return jwt.encode(good_claims(), new_rsa_pem(), algorithm="RS256", headers={"kid": k.kid})


def _tampered_roles(k: DevKeys) -> str:
    header, _payload, sig = sign_dev(k, good_claims()).split(".")
    forged = b64url_json(good_claims(roles=["ombudsman", "director"]))
    return f"{header}.{forged}.{sig}"


def _no_signature(k: DevKeys) -> str:
    header, payload, _sig = sign_dev(k, good_claims()).split(".")
    return f"{header}.{payload}."


def _jwe_shaped(k: DevKeys) -> str:
    return ".".join([b64url_json({"alg": "RS256", "enc": "A256GCM"}), "a", "b", "c", "d"])


NEGATIVE_CASES: list[tuple[str, Callable[[DevKeys], str]]] = [
    ("empty-string", lambda k: ""),
    ("garbage", lambda k: "not-a-jwt"),
    ("two-segments", lambda k: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"),
    ("three-garbage-segments", lambda k: "%%%.***.$$$"),
    ("header-not-json", lambda k: f"{b64url(b'nope')}.{b64url_json(good_claims())}.c2ln"),
    ("header-json-list", lambda k: f"{b64url_json([1])}.{b64url_json(good_claims())}.c2ln"),
    ("jwe-five-segments", _jwe_shaped),
    ("alg-none", _alg_none),
    ("alg-None-capitalised", _alg_none_capitalised),
    ("alg-confusion-hs256-public-key", _hs256_with_public_key),
    ("alg-rs512-not-configured", _rs512),
    ("crit-header", lambda k: sign_dev(k, good_claims(), crit=["exp"])),
    ("unknown-kid-dev", lambda k: sign_dev(k, good_claims(), kid="someone-else")),
    ("signed-by-other-rsa-key", _other_rsa_key),
    ("tampered-payload-roles", _tampered_roles),
    ("signature-stripped", _no_signature),
    ("expired-beyond-leeway", lambda k: sign_dev(k, good_claims(exp=now_ts() - 60))),
    ("no-exp", lambda k: sign_dev(k, good_claims(exp=_DROP))),
    ("exp-not-a-number", lambda k: sign_dev(k, good_claims(exp="tomorrow"))),
    ("exp-numeric-string", lambda k: sign_dev(k, good_claims(exp=str(now_ts() + 600)))),
    ("wrong-aud", lambda k: sign_dev(k, good_claims(aud="compliance"))),
    ("wrong-aud-list", lambda k: sign_dev(k, good_claims(aud=["compliance", "assessment"]))),
    ("missing-aud", lambda k: sign_dev(k, good_claims(aud=_DROP))),
    ("aud-not-string", lambda k: sign_dev(k, good_claims(aud=42))),
    ("wrong-iss", lambda k: sign_dev(k, good_claims(iss="https://evil.example"))),
    ("missing-iss", lambda k: sign_dev(k, good_claims(iss=_DROP))),
    ("nbf-in-future", lambda k: sign_dev(k, good_claims(nbf=now_ts() + 120))),
    ("iat-in-future", lambda k: sign_dev(k, good_claims(iat=now_ts() + 120, nbf=_DROP))),
    ("no-sub", lambda k: sign_dev(k, good_claims(sub=_DROP))),
    ("empty-sub", lambda k: sign_dev(k, good_claims(sub=""))),
    ("sub-not-string", lambda k: sign_dev(k, good_claims(sub=123))),
    ("no-iat", lambda k: sign_dev(k, good_claims(iat=_DROP))),
    ("iat-list", lambda k: sign_dev(k, good_claims(iat=[1, 2]))),
    ("roles-string", lambda k: sign_dev(k, good_claims(roles="ombudsman"))),
    ("roles-non-strings", lambda k: sign_dev(k, good_claims(roles=["caseworker", 7]))),
    ("jti-not-string", lambda k: sign_dev(k, good_claims(jti=12))),
]


@pytest.mark.parametrize(
    "make_token", [case for _, case in NEGATIVE_CASES], ids=[name for name, _ in NEGATIVE_CASES]
)
async def test_bad_tokens_are_unauthorized(
    verifier: TokenVerifier, dev_keys: DevKeys, make_token: Callable[[DevKeys], str]
) -> None:
    token = make_token(dev_keys)
    with pytest.raises(Unauthorized) as info:
        await verifier.verify(token)
    err = info.value
    assert err.status == 401
    assert err.headers["WWW-Authenticate"].startswith("Bearer")
    # The detail is a short fixed string and never echoes the token.
    assert len(err.detail) < 80
    if token:
        assert token not in err.detail
        for segment in token.split("."):
            if len(segment) > 8:
                assert segment not in err.detail


async def test_missing_token_none_is_unauthorized(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(None)  # type: ignore[arg-type]


async def test_oversized_token_is_unauthorized(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify("a" * 20_000 + ".b.c")


async def test_expired_token_says_expired(verifier: TokenVerifier, dev_keys: DevKeys) -> None:
    with pytest.raises(Unauthorized) as info:
        await verifier.verify(sign_dev(dev_keys, good_claims(exp=now_ts() - 300)))
    assert "expired" in info.value.detail.lower()


# ---------------------------------------------------------------------------------------------
# Positive cases
# ---------------------------------------------------------------------------------------------


async def test_valid_dev_token_gives_principal(keys_dir: Path, verifier: TokenVerifier) -> None:
    token = mint_dev_token(
        keys_dir=keys_dir,
        issuer=ISSUER,
        audience=AUDIENCE,
        sub="caseworker-7",
        roles=[Role.caseworker, "legal"],
    )
    principal = await verifier.verify(token)
    assert principal.sub == "caseworker-7"
    assert principal.roles == frozenset({"caseworker", "legal"})
    assert principal.token_id
    assert principal.has_any(Role.legal, Role.director)
    assert principal.has_any("caseworker")
    assert not principal.has_any(Role.ombudsman)
    assert not principal.has_any()
    assert not principal.is_service


async def test_minted_token_has_expected_claims_and_header(
    keys_dir: Path, dev_keys: DevKeys
) -> None:
    issued = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    token = mint_dev_token(
        keys_dir=keys_dir,
        issuer=ISSUER,
        audience=AUDIENCE,
        sub="u",
        roles=["service"],
        ttl_seconds=120,
        extra_claims={"name": "Test"},
        now=issued,
    )
    header = jwt.get_unverified_header(token)
    claims = jwt.get_unverified_claims(token)
    assert header["alg"] == "RS256"
    assert header["kid"] == dev_keys.kid
    ts = int(issued.timestamp())
    assert claims["iat"] == claims["nbf"] == ts
    assert claims["exp"] == ts + 120
    assert claims["jti"]
    assert claims["name"] == "Test"
    assert claims["roles"] == ["service"]


def test_mint_refuses_to_override_reserved_claims(keys_dir: Path) -> None:
    with pytest.raises(ValueError, match="override"):
        mint_dev_token(
            keys_dir=keys_dir,
            issuer=ISSUER,
            audience=AUDIENCE,
            sub="u",
            roles=[],
            extra_claims={"exp": 1},
        )


async def test_service_principal(keys_dir: Path, verifier: TokenVerifier) -> None:
    token = mint_dev_token(
        keys_dir=keys_dir, issuer=ISSUER, audience=AUDIENCE, sub="svc", roles=[Role.service]
    )
    assert (await verifier.verify(token)).is_service


async def test_audience_list_is_accepted(keys_dir: Path, verifier: TokenVerifier) -> None:
    token = mint_dev_token(
        keys_dir=keys_dir,
        issuer=ISSUER,
        audience=["intake", "assessment", "investigation", "compliance"],
        sub="u",
        roles=["auditor"],
    )
    principal = await verifier.verify(token)
    assert principal.roles == frozenset({"auditor"})


async def test_missing_roles_means_no_roles(verifier: TokenVerifier, dev_keys: DevKeys) -> None:
    principal = await verifier.verify(sign_dev(dev_keys, good_claims(roles=_DROP, jti=_DROP)))
    assert principal.roles == frozenset()
    assert principal.token_id is None


async def test_leeway_accepts_recently_expired(keys_dir: Path, verifier: TokenVerifier) -> None:
    # exp is 10 s in the past, within the 30 s leeway.
    token = mint_dev_token(
        keys_dir=keys_dir,
        issuer=ISSUER,
        audience=AUDIENCE,
        sub="u",
        roles=[],
        ttl_seconds=3600,
        now=datetime.now(UTC) - timedelta(seconds=3610),
    )
    assert (await verifier.verify(token)).sub == "u"


async def test_leeway_accepts_slightly_future_nbf(
    verifier: TokenVerifier, dev_keys: DevKeys
) -> None:
    t = now_ts() + 10
    assert (await verifier.verify(sign_dev(dev_keys, good_claims(iat=t, nbf=t)))).sub


async def test_zero_leeway_rejects_recently_expired(keys_dir: Path, dev_keys: DevKeys) -> None:
    strict = TokenVerifier(make_settings(keys_dir, jwt_leeway_s=0))
    with pytest.raises(Unauthorized):
        await strict.verify(sign_dev(dev_keys, good_claims(exp=now_ts() - 10)))


def test_principal_is_frozen() -> None:
    principal = Principal(sub="u", roles=frozenset({"legal"}), token_id=None)
    with pytest.raises(AttributeError):
        principal.sub = "other"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Dev key pair
# ---------------------------------------------------------------------------------------------


def test_keypair_is_created_once_with_private_mode_0600(keys_dir: Path) -> None:
    first = load_or_create_dev_keypair(keys_dir)
    second = load_or_create_dev_keypair(keys_dir)
    assert first == second
    private_pem, public_pem, kid = second
    assert "PRIVATE KEY" in private_pem
    assert "PUBLIC KEY" in public_pem
    assert kid
    mode = stat.S_IMODE(os.stat(keys_dir / DEV_PRIVATE_KEY_FILE).st_mode)
    assert mode == 0o600
    # No temp files left behind.
    assert not [p for p in keys_dir.iterdir() if p.name.endswith(".tmp")]


def test_a_replaced_key_file_is_read_again_not_served_from_the_cache(keys_dir: Path) -> None:
    """The loaded key is kept per key file; a regenerated file (a rotation) is a new key."""
    first = load_or_create_dev_keypair(keys_dir)
    replacement = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = replacement.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    (keys_dir / DEV_PRIVATE_KEY_FILE).unlink()
    (keys_dir / DEV_PRIVATE_KEY_FILE).write_bytes(pem)
    second = load_or_create_dev_keypair(keys_dir)
    assert second.kid != first.kid
    token = mint_dev_token(
        keys_dir=keys_dir, issuer="iss", audience="aud", sub="someone", roles=["caseworker"]
    )
    assert jwt.get_unverified_header(token)["kid"] == second.kid
    public_pem = replacement.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    assert jwt.decode(token, public_pem.decode(), algorithms=["RS256"], audience="aud")["sub"] == (
        "someone"
    )


def test_concurrent_creation_converges_on_one_key(keys_dir: Path) -> None:
    barrier = threading.Barrier(6)

    def create() -> DevKeys:
        barrier.wait()
        return load_or_create_dev_keypair(keys_dir)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: create(), range(6)))
    assert len({r.kid for r in results}) == 1
    assert results[0] == load_or_create_dev_keypair(keys_dir)


def test_losing_the_creation_race_uses_the_winners_key(
    keys_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner_pem = new_rsa_pem()
    real_link = os.link

    def link_after_rival_wrote(src: Any, dst: Any) -> None:
        # Another process links its key into place between our existence check and our link.
        if Path(dst).name == DEV_PRIVATE_KEY_FILE and not Path(dst).exists():
            Path(dst).write_text(winner_pem)
        real_link(src, dst)

    monkeypatch.setattr(os, "link", link_after_rival_wrote)
    keys = load_or_create_dev_keypair(keys_dir)
    assert keys.private_pem == winner_pem
    assert not [p for p in keys_dir.iterdir() if p.name.endswith(".tmp")]


def test_kid_is_rfc7638_thumbprint(dev_keys: DevKeys) -> None:
    public = jwk.construct(dev_keys.public_pem, "RS256").to_dict()
    canonical = json.dumps(
        {"e": public["e"], "kty": "RSA", "n": public["n"]}, separators=(",", ":"), sort_keys=True
    )
    assert dev_keys.kid == b64url(hashlib.sha256(canonical.encode()).digest())


def test_existing_key_wins_when_another_process_created_it(keys_dir: Path) -> None:
    keys_dir.mkdir(parents=True)
    pem = new_rsa_pem()
    (keys_dir / DEV_PRIVATE_KEY_FILE).write_text(pem)
    (keys_dir / DEV_PUBLIC_KEY_FILE).write_text("stale public key from an older pair")
    keys = load_or_create_dev_keypair(keys_dir)
    assert keys.private_pem == pem
    # The convenience public copy is refreshed from the private key.
    assert (keys_dir / DEV_PUBLIC_KEY_FILE).read_text() == keys.public_pem


def test_dev_jwks_matches_dev_key(keys_dir: Path, dev_keys: DevKeys) -> None:
    (member,) = dev_jwks(keys_dir)["keys"]
    assert member["kid"] == dev_keys.kid
    assert member["alg"] == "RS256"
    assert "d" not in member


# ---------------------------------------------------------------------------------------------
# Configuration refusals
# ---------------------------------------------------------------------------------------------


def _production_settings(tmp_path: Path, **values: Any) -> BaseServiceSettings:
    base: dict[str, Any] = {
        "database_url": SecretStr("postgresql://app:s3cure-long-pw-value@db/casework"),
        "env": Environment.production,
        "dev_keys_dir": tmp_path / "prod-keys",
        "jwt_jwks_url": None,
    }
    base.update(values)
    return BaseServiceSettings.model_construct(**base)


def test_production_without_jwks_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="jwt_jwks_url"):
        TokenVerifier(_production_settings(tmp_path))
    assert not (tmp_path / "prod-keys").exists()


def test_production_with_plain_http_jwks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="https"):
        TokenVerifier(_production_settings(tmp_path, jwt_jwks_url="http://login.example/keys"))


def test_production_with_jwks_builds_without_dev_keys(tmp_path: Path) -> None:
    values: dict[str, Any] = {
        "database_url": "postgresql://app:s3cure-long-pw-value@db/casework",
        "ENV": "production",
        "jwt_jwks_url": JWKS_URL,
        "dev_keys_dir": tmp_path / "prod-keys",
    }
    settings = BaseServiceSettings(**values)
    assert settings.env is Environment.production
    verifier = TokenVerifier(settings)
    assert verifier.algorithm == "RS256"
    assert not (tmp_path / "prod-keys").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("jwt_leeway_s", 300), ("jwt_algorithm", "HS256"), ("jwt_algorithm", "none")],
    ids=["leeway-too-large", "alg-hs256", "alg-none"],
)
def test_unsafe_settings_are_refused(tmp_path: Path, field: str, value: Any) -> None:
    settings = _production_settings(tmp_path, jwt_jwks_url=JWKS_URL, **{field: value})
    with pytest.raises(AuthConfigurationError):
        TokenVerifier(settings)


def test_es256_without_jwks_is_refused(keys_dir: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="dev issuer"):
        TokenVerifier(make_settings(keys_dir, jwt_algorithm="ES256"))


# ---------------------------------------------------------------------------------------------
# JWKS mode
# ---------------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class JwksServer:
    """An httpx MockTransport handler serving a JWKS built from a freshly generated key."""

    def __init__(self, kid: str = "entra-key-1") -> None:
        self.private_pem = new_rsa_pem()
        self.kid = kid
        public = jwk.construct(self.private_pem, "RS256").public_key().to_dict()
        self.jwks: dict[str, Any] = {"keys": [{**public, "kid": kid, "use": "sig"}]}
        self.calls = 0
        self.down = False
        self.status = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        assert str(request.url) == JWKS_URL
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(self.status, json=self.jwks)

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        return jwt.encode(
            claims, self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )


@pytest.fixture
def jwks_server() -> JwksServer:
    return JwksServer()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def jwks_verifier(
    tmp_path: Path, jwks_server: JwksServer, clock: FakeClock
) -> AsyncIterator[TokenVerifier]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(jwks_server.handler)) as client:
        settings = make_settings(tmp_path / "unused-keys", jwt_jwks_url=JWKS_URL)
        yield TokenVerifier(settings, client, monotonic=clock)


async def test_jwks_valid_token_verifies_and_is_cached(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer, clock: FakeClock, tmp_path: Path
) -> None:
    token = jwks_server.sign(good_claims(roles=["senior_caseworker"]))
    principal = await jwks_verifier.verify(token)
    assert principal.roles == frozenset({"senior_caseworker"})
    await jwks_verifier.verify(token)
    assert jwks_server.calls == 1
    clock.now += 601  # cache expired: refetched
    await jwks_verifier.verify(token)
    assert jwks_server.calls == 2
    # JWKS mode never touches the dev key directory.
    assert not (tmp_path / "unused-keys").exists()


async def test_jwks_unknown_kid_is_unauthorized_and_refetch_is_rate_limited(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer, clock: FakeClock
) -> None:
    await jwks_verifier.verify(jwks_server.sign(good_claims()))
    assert jwks_server.calls == 1
    stranger = jwks_server.sign(good_claims(), kid="not-published")
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(stranger)
    assert jwks_server.calls == 1  # fetched < 60 s ago: no refetch
    clock.now += 61
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(stranger)
    assert jwks_server.calls == 2  # one refetch
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(stranger)
    assert jwks_server.calls == 2


async def test_jwks_rotated_key_is_picked_up_after_refetch(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer, clock: FakeClock
) -> None:
    await jwks_verifier.verify(jwks_server.sign(good_claims()))
    rotated = JwksServer(kid="entra-key-2")
    jwks_server.jwks = {"keys": jwks_server.jwks["keys"] + rotated.jwks["keys"]}
    clock.now += 61
    principal = await jwks_verifier.verify(rotated.sign(good_claims(sub="rotated")))
    assert principal.sub == "rotated"


async def test_jwks_token_without_kid_is_unauthorized(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer
) -> None:
    token = jwt.encode(good_claims(), jwks_server.private_pem, algorithm="RS256")
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(token)


async def test_jwks_alg_confusion_with_published_key_is_unauthorized(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer
) -> None:
    public_pem = jwk.construct(jwks_server.private_pem, "RS256").public_key().to_pem()
    header = b64url_json({"alg": "HS256", "kid": jwks_server.kid})
    payload = b64url_json(good_claims(roles=["ombudsman"]))
    sig = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(f"{header}.{payload}.{b64url(sig)}")
    assert jwks_server.calls == 0  # refused before any key lookup


async def test_jwks_down_without_cache_is_upstream_unavailable(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer
) -> None:
    jwks_server.down = True
    with pytest.raises(UpstreamUnavailable) as info:
        await jwks_verifier.verify(jwks_server.sign(good_claims()))
    assert info.value.status == 503


async def test_jwks_server_error_without_cache_is_upstream_unavailable(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer
) -> None:
    jwks_server.status = 500
    with pytest.raises(UpstreamUnavailable):
        await jwks_verifier.verify(jwks_server.sign(good_claims()))


async def test_jwks_down_with_stale_cache_keeps_using_cached_keys(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer, clock: FakeClock
) -> None:
    token = jwks_server.sign(good_claims())
    await jwks_verifier.verify(token)
    jwks_server.down = True
    clock.now += 3600
    assert (await jwks_verifier.verify(token)).sub == "user-123"
    assert jwks_server.calls == 2


async def test_jwks_recovers_after_outage(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer, clock: FakeClock
) -> None:
    token = jwks_server.sign(good_claims())
    jwks_server.down = True
    with pytest.raises(UpstreamUnavailable):
        await jwks_verifier.verify(token)
    jwks_server.down = False
    clock.now += 10
    assert (await jwks_verifier.verify(token)).sub == "user-123"


async def test_jwks_ignores_keys_for_other_uses_and_algorithms(
    jwks_verifier: TokenVerifier, jwks_server: JwksServer
) -> None:
    (member,) = jwks_server.jwks["keys"]
    jwks_server.jwks = {"keys": [{**member, "use": "enc"}]}
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(jwks_server.sign(good_claims()))


async def test_jwks_rejects_dev_signed_token(jwks_verifier: TokenVerifier, tmp_path: Path) -> None:
    keys = load_or_create_dev_keypair(tmp_path / "dev")
    token = jwt.encode(good_claims(), keys.private_pem, algorithm="RS256", headers={"kid": "x"})
    with pytest.raises(Unauthorized):
        await jwks_verifier.verify(token)


# ---------------------------------------------------------------------------------------------
# Defence in depth: our own claim checks hold even if jose stopped enforcing them
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "aud", "iss"], ids=lambda c: f"missing-{c}")
async def test_own_checks_catch_missing_claims_without_jose(
    monkeypatch: pytest.MonkeyPatch, verifier: TokenVerifier, dev_keys: DevKeys, claim: str
) -> None:
    real_decode = jwt.decode

    def lax_decode(token: str, key: Any, **kwargs: Any) -> dict[str, Any]:
        # Signature only: no claim validation at all.
        kwargs["options"] = {
            "verify_signature": True,
            **{f"verify_{c}": False for c in ("aud", "iat", "exp", "nbf", "iss", "sub", "jti")},
        }
        return real_decode(token, key, **kwargs)

    monkeypatch.setattr(jwt, "decode", lax_decode)
    assert (await verifier.verify(sign_dev(dev_keys, good_claims()))).sub == "user-123"
    with pytest.raises(Unauthorized):
        await verifier.verify(sign_dev(dev_keys, good_claims(**{claim: _DROP})))


# ---------------------------------------------------------------------------------------------
# The verified-token cache
# ---------------------------------------------------------------------------------------------


def _counting_decode(verifier: TokenVerifier, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = verifier._decode

    def decode(token: str, key: Any) -> dict[str, Any]:
        calls.append(token)
        return real(token, key)

    monkeypatch.setattr(verifier, "_decode", decode)
    return calls


async def test_a_verified_token_is_not_verified_again_on_every_request(
    verifier: TokenVerifier, dev_keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_decode(verifier, monkeypatch)
    token = sign_dev(dev_keys, good_claims())

    first = await verifier.verify(token)
    again = await verifier.verify(token)

    assert again == first
    assert len(calls) == 1
    # A token differing by one signature character is not the cached one: it is checked, and fails.
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(Unauthorized):
        await verifier.verify(tampered)


async def test_a_cached_token_still_expires(
    verifier: TokenVerifier, dev_keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = now_ts() + 60
    token = sign_dev(dev_keys, good_claims(exp=exp))
    await verifier.verify(token)

    later = exp + verifier._leeway + 1
    monkeypatch.setattr(time, "time", lambda: float(later))

    with pytest.raises(Unauthorized) as info:
        await verifier.verify(token)
    assert "expired" in info.value.detail.lower()


async def test_a_cached_token_is_verified_afresh_after_the_cache_ttl(
    keys_dir: Path, dev_keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    verifier = TokenVerifier(make_settings(keys_dir), monotonic=lambda: now[0])
    calls = _counting_decode(verifier, monkeypatch)
    token = sign_dev(dev_keys, good_claims())

    await verifier.verify(token)
    now[0] += VERIFIED_TTL_S - 1
    await verifier.verify(token)
    now[0] += 2
    await verifier.verify(token)

    assert len(calls) == 2
