"""Bearer-token authentication (DESIGN §4). The only module in the project that imports ``jose``.

Threat model, briefly. A bearer JWT is attacker-controlled input until proven otherwise, and most
real-world JWT bypasses come from trusting the token to describe how it should be checked:

* **Algorithm confusion.** If a verifier picks the algorithm from the token header, an attacker
  can sign an ``HS256`` token using the *public* RSA key (which is public) as the HMAC secret.
  We compare the header's ``alg`` with the single configured algorithm (``RS256`` or ``ES256``)
  before anything else and pass exactly that one algorithm to ``jwt.decode``.
* **``alg: none``.** Unsigned tokens are rejected by the same exact-match check.
* **Missing claims.** ``python-jose`` 3.5 validates ``exp`` and ``aud`` only *if present*, so a
  token without ``exp`` never expires and a token without ``aud`` is valid for every service that
  trusts the issuer. We set jose's ``require_*`` options *and* check ``exp``, ``iat``, ``sub``,
  ``aud`` and ``iss`` again ourselves.
* **Key substitution.** Keys come only from configuration (the JWKS URL, or the local dev key);
  ``jku``/``x5u``/``jwk`` headers are never followed, and unknown ``crit`` headers are refused.
* **Clock skew** is tolerated for at most 30 seconds (``jwt_leeway_s``).
* **Leaks.** Error details are short fixed strings; the token is never echoed or logged.

Production keys come from a JWKS endpoint (Entra ID style), cached for ten minutes; an unknown
``kid`` triggers at most one refetch a minute. When the endpoint cannot be reached and no keys
are cached, verification fails with 503 (``UpstreamUnavailable``), not 401: the caller's token
may be fine. Without a JWKS URL (development and testing only) tokens are checked against a
local RS256 key pair generated on first use into ``settings.dev_keys_dir`` (git-ignored);
:func:`mint_dev_token` signs tokens with it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeGuard

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key
from jose.exceptions import ExpiredSignatureError, JOSEError

from shared.config import BaseServiceSettings
from shared.errors import Unauthorized, UpstreamUnavailable

__all__ = [
    "DEV_PRIVATE_KEY_FILE",
    "DEV_PUBLIC_KEY_FILE",
    "AuthConfigurationError",
    "DevKeys",
    "Principal",
    "Role",
    "TokenVerifier",
    "dev_jwks",
    "load_or_create_dev_keypair",
    "mint_dev_token",
]

logger = logging.getLogger("shared.auth")

ALLOWED_ALGORITHMS: Final = frozenset({"RS256", "ES256"})
MAX_LEEWAY_S: Final = 30
MAX_TOKEN_CHARS: Final = 16 * 1024
MAX_TEAMS: Final = 50
MAX_TEAM_CHARS: Final = 200

DEV_ALGORITHM: Final = "RS256"
DEV_PRIVATE_KEY_FILE: Final = "dev-jwt-private.pem"
DEV_PUBLIC_KEY_FILE: Final = "dev-jwt-public.pem"
_DEV_RSA_BITS: Final = 2048
_MIN_RSA_BITS: Final = 2048

JWKS_CACHE_TTL_S: Final = 600.0
JWKS_MIN_REFETCH_INTERVAL_S: Final = 60.0
# Verified tokens are remembered briefly: a client sends the same token with every request, and
# the signature check and claim parsing are most of what authentication costs. An entry is used
# only while the token is unexpired and for at most VERIFIED_TTL_S, so a key withdrawn from the
# JWKS stops being honoured within that time, as with the JWKS cache itself.
VERIFIED_CACHE_SIZE: Final = 4096
VERIFIED_TTL_S: Final = 60.0
JWKS_FAILURE_BACKOFF_S: Final = 5.0
JWKS_MAX_STALE_S: Final = 24 * 3600.0
JWKS_FETCH_TIMEOUT_S: Final = 5.0

# Claims mint_dev_token sets itself; extra_claims may not override them.
_RESERVED_CLAIMS: Final = frozenset({"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "roles"})


class Role(StrEnum):
    """Roles carried in the token's ``roles`` claim (Entra ID app roles)."""

    intake_caseworker = "intake_caseworker"
    caseworker = "caseworker"
    senior_caseworker = "senior_caseworker"
    operations_manager = "operations_manager"
    assistant_director = "assistant_director"
    director = "director"
    deputy_ombudsman = "deputy_ombudsman"
    ombudsman = "ombudsman"
    legal = "legal"
    clinical_adviser = "clinical_adviser"
    auditor = "auditor"
    integration = "integration"
    service = "service"
    # Keeps the staff directory (assessment-api ``/v1/staff``): grades, teams, posts drive who
    # may be allocated what (CMP-114), so casework managers do not edit them for themselves.
    staff_admin = "staff_admin"


# Role groups that several services' permissions are built from.
CASEWORK_ROLES = frozenset(
    {
        Role.intake_caseworker,
        Role.caseworker,
        Role.senior_caseworker,
        Role.operations_manager,
        Role.assistant_director,
        Role.director,
        Role.deputy_ombudsman,
    }
)
"""People who work cases, from intake caseworker to Deputy Ombudsman."""

MANAGERS = frozenset(
    {Role.operations_manager, Role.assistant_director, Role.director, Role.deputy_ombudsman}
)
"""Managers and above: who agrees what the guidance leaves to "a manager" (requirements §0.2)."""

CASE_DATA_READERS = CASEWORK_ROLES | {Role.ombudsman, Role.legal, Role.auditor, Role.service}
"""Who may read case and personal data: casework, the Ombudsman, Legal, auditors (read-only)
and internal service calls; not ``integration`` feeds nor clinical advisers."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: subject, roles and token id (``jti``) of a verified token."""

    sub: str
    roles: frozenset[str]
    token_id: str | None = None
    # The casework teams the caller belongs to (the optional ``teams`` claim): a team member may
    # act on the team's cases (``shared.casework.ownership``).
    teams: frozenset[str] = frozenset()

    @property
    def is_service(self) -> bool:
        """True for service-to-service callers (the ``service`` role)."""
        return Role.service.value in self.roles

    @property
    def is_service_only(self) -> bool:
        """True when ``service`` is the only role: a token that also carries a human role
        (or any other) is treated as that human, for rate limiting among others."""
        return self.roles == {Role.service.value}

    def has_any(self, *roles: str) -> bool:
        """True if the principal holds at least one of ``roles`` (``Role`` members or strings)."""
        return any(str(role) in self.roles for role in roles)


class AuthConfigurationError(RuntimeError):
    """The settings cannot produce a safe verifier (raised at construction, never per request)."""


# ---------------------------------------------------------------------------------------------
# Local development issuer
# ---------------------------------------------------------------------------------------------


class DevKeys(NamedTuple):
    """The local dev signing key pair. Unpacks as ``(private_pem, public_pem, kid)``."""

    private_pem: str
    public_pem: str
    kid: str


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _rsa_public_jwk_members(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}


def _rsa_thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url): a stable id derived from the key itself."""
    canonical = json.dumps(
        _rsa_public_jwk_members(public_key), separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _write_file_atomically(path: Path, data: bytes, mode: int, *, overwrite: bool) -> None:
    """Write ``path`` atomically; with ``overwrite=False`` only if it does not exist yet.

    The content goes to a temp file in the same directory (``mkstemp`` creates it 0600), is
    fsynced, then hard-linked into place. ``os.link`` fails if the target exists, so when two
    processes race exactly one wins and the loser quietly keeps the winner's file. On file
    systems without hard links we fall back to ``os.replace`` (atomic, but last writer wins;
    callers re-read the file afterwards so everyone converges on what is on disk).
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp_name, path)
            return
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def _load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the dev signing key is not an RSA private key")
    return key


# Loading an RSA private key checks it (about 40 ms); a test run mints thousands of tokens and
# builds an app per test, so a loaded key is kept for as long as the file on disk is the same
# file (inode, size, modification time): a rotated or regenerated key is read again.
_LOADED_KEYS: dict[tuple[str, int, int, int], tuple[DevKeys, Key]] = {}


def _dev_keys(keys_dir: Path) -> tuple[DevKeys, Key]:
    """The dev key pair and its signing key, loaded once per key file."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_path = keys_dir / DEV_PRIVATE_KEY_FILE
    if not private_path.exists():
        generated = rsa.generate_private_key(public_exponent=65537, key_size=_DEV_RSA_BITS)
        pem = generated.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        _write_file_atomically(private_path, pem, 0o600, overwrite=False)

    # Always use what is on disk: if another process won the race, that key is the key.
    stat = private_path.stat()
    signature = (str(private_path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if (cached := _LOADED_KEYS.get(signature)) is not None:
        return cached
    private_pem = private_path.read_bytes()
    private_key = _load_private_key(private_pem)
    public_key = private_key.public_key()
    public_pem = public_key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    public_path = keys_dir / DEV_PUBLIC_KEY_FILE
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        # Convenience copy for tools; never read back by the verifier.
        _write_file_atomically(public_path, public_pem, 0o644, overwrite=True)
    keys = DevKeys(
        private_pem=private_pem.decode("ascii"),
        public_pem=public_pem.decode("ascii"),
        kid=_rsa_thumbprint(public_key),
    )
    signing_key = jwk.construct(private_pem, DEV_ALGORITHM)
    _LOADED_KEYS[signature] = (keys, signing_key)
    return keys, signing_key


def load_or_create_dev_keypair(keys_dir: Path) -> DevKeys:
    """Return the local dev RS256 key pair, generating it on first use.

    The private key (PKCS#8 PEM, mode 0600) is the single source of truth; the public key and
    ``kid`` (RFC 7638 thumbprint) are derived from it. Safe when several processes start at once.
    """
    return _dev_keys(keys_dir)[0]


def dev_jwks(keys_dir: Path) -> dict[str, Any]:
    """The dev public key as a JWKS document (what a local JWKS endpoint would serve)."""
    keys = load_or_create_dev_keypair(keys_dir)
    public_key = serialization.load_pem_public_key(keys.public_pem.encode("ascii"))
    if not isinstance(public_key, rsa.RSAPublicKey):  # pragma: no cover - we wrote it
        raise ValueError("the dev public key is not an RSA key")
    member = {
        **_rsa_public_jwk_members(public_key),
        "kid": keys.kid,
        "use": "sig",
        "alg": DEV_ALGORITHM,
    }
    return {"keys": [member]}


def mint_dev_token(
    *,
    keys_dir: Path,
    issuer: str,
    audience: str | list[str],
    sub: str,
    roles: Iterable[str],
    ttl_seconds: int = 3600,
    extra_claims: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """Sign an RS256 token with the local dev key (development and tests only).

    Sets ``iss``, ``sub``, ``aud``, ``roles``, ``iat``, ``nbf``, ``exp`` (``now + ttl_seconds``)
    and a random ``jti``; the header carries the key's ``kid``. ``extra_claims`` adds claims
    but may not override those. ``now`` must be timezone-aware (default: current time).
    """
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    if not sub:
        raise ValueError("sub must be a non-empty string")
    audiences = [audience] if isinstance(audience, str) else list(audience)
    if not audiences or not all(isinstance(a, str) and a for a in audiences):
        raise ValueError("audience must be a non-empty string or list of non-empty strings")
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if extra_claims:
        clash = _RESERVED_CLAIMS.intersection(extra_claims)
        if clash:
            raise ValueError(f"extra_claims may not override {sorted(clash)}")

    keys, signing_key = _dev_keys(keys_dir)
    issued_at = int(now.timestamp())
    role_list = list(dict.fromkeys(str(role) for role in roles))
    claims: dict[str, Any] = {
        **(extra_claims or {}),
        "iss": issuer,
        "sub": sub,
        "aud": audiences[0] if isinstance(audience, str) else audiences,
        "roles": role_list,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims,
        signing_key,
        algorithm=DEV_ALGORITHM,
        headers={"kid": keys.kid, "typ": "JWT"},
    )


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


def _reject(detail: str, reason: str | None = None) -> Unauthorized:
    """An ``Unauthorized`` with a fixed, safe detail; ``reason`` (also fixed text) is logged."""
    logger.info("bearer token rejected", extra={"auth_reason": reason or detail})
    return Unauthorized(detail)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class TokenVerifier:
    """Verifies bearer JWTs against the configured issuer, audience, algorithm and keys.

    One instance per process (it caches the JWKS). Pass the application's shared
    ``httpx.AsyncClient`` for JWKS fetches; without one the verifier creates its own and
    :meth:`aclose` closes it.
    """

    def __init__(
        self,
        settings: BaseServiceSettings,
        http_client: httpx.AsyncClient | None = None,
        *,
        jwks_cache_ttl_s: float = JWKS_CACHE_TTL_S,
        jwks_min_refetch_interval_s: float = JWKS_MIN_REFETCH_INTERVAL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        algorithm = settings.jwt_algorithm
        if algorithm not in ALLOWED_ALGORITHMS:
            raise AuthConfigurationError(
                f"jwt_algorithm must be one of {sorted(ALLOWED_ALGORITHMS)}"
            )
        leeway = settings.jwt_leeway_s
        if not isinstance(leeway, int) or not 0 <= leeway <= MAX_LEEWAY_S:
            raise AuthConfigurationError(f"jwt_leeway_s must be between 0 and {MAX_LEEWAY_S}")
        if not settings.jwt_issuer or not settings.jwt_audience:
            raise AuthConfigurationError("jwt_issuer and jwt_audience must be set")

        self._algorithm: str = algorithm
        self._issuer: str = settings.jwt_issuer
        self._audience: str = settings.jwt_audience
        self._leeway: int = leeway
        self._jwks_url: str | None = settings.jwt_jwks_url or None
        self._cache_ttl = jwks_cache_ttl_s
        self._min_refetch_interval = jwks_min_refetch_interval_s
        self._monotonic = monotonic

        self._client = http_client
        self._owns_client = False
        self._lock = asyncio.Lock()
        self._jwks: dict[str, Key] = {}
        self._jwks_fetched_at: float | None = None
        self._last_fetch_attempt: float | None = None
        self._last_fetch_failed = False

        self._dev_key: Key | None = None
        self._dev_kid: str | None = None
        # token -> (principal, exp, verified at on the monotonic clock); insertion-ordered.
        self._verified: dict[str, tuple[Principal, float, float]] = {}
        if self._jwks_url is not None:
            if not settings.is_dev_or_test and not self._jwks_url.lower().startswith("https://"):
                raise AuthConfigurationError(f"jwt_jwks_url must use https in {settings.env}")
        else:
            if not settings.is_dev_or_test:
                raise AuthConfigurationError(
                    f"jwt_jwks_url is required in {settings.env}: the dev issuer is not allowed"
                )
            if algorithm != DEV_ALGORITHM:
                raise AuthConfigurationError(
                    f"the dev issuer signs {DEV_ALGORITHM}; set jwt_jwks_url to use {algorithm}"
                )
            dev = load_or_create_dev_keypair(settings.dev_keys_dir)
            self._dev_key = jwk.construct(dev.public_pem, DEV_ALGORITHM)
            self._dev_kid = dev.kid

    @property
    def algorithm(self) -> str:
        return self._algorithm

    async def aclose(self) -> None:
        """Close the HTTP client if the verifier created it."""
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None
            self._owns_client = False

    async def verify(self, token: str) -> Principal:
        """Verify ``token`` (without the ``Bearer`` prefix) and return its principal.

        Raises ``Unauthorized`` for any bad token and ``UpstreamUnavailable`` when the JWKS
        endpoint is unreachable and no keys are cached.
        """
        if not isinstance(token, str) or not token:
            raise _reject("Missing bearer token")
        if len(token) > MAX_TOKEN_CHARS or not token.isascii() or token.count(".") != 2:
            raise _reject("Malformed bearer token")
        if (known := self._recall(token)) is not None:
            return known

        try:
            header = jwt.get_unverified_header(token)
        except JOSEError:
            raise _reject("Malformed bearer token") from None
        if not isinstance(header, dict):
            raise _reject("Malformed bearer token")
        # Exact match against the one configured algorithm, before any key lookup or signature
        # check: this is what defeats "alg": "none" and RS256->HS256 confusion.
        if header.get("alg") != self._algorithm:
            raise _reject("Token algorithm not accepted", "alg mismatch")
        if "crit" in header:
            raise _reject("Token header not accepted", "crit header")
        kid = header.get("kid")
        if kid is not None and (not isinstance(kid, str) or not kid):
            raise _reject("Malformed bearer token", "bad kid")

        key = await self._key_for(kid)
        claims = self._decode(token, key)
        principal = self._principal_from(claims)
        self._remember(token, principal, float(claims["exp"]))
        return principal

    def recall(self, token: str) -> Principal | None:
        """The principal of ``token`` if it was verified lately and is still valid, else None.

        No signature check: a cheap look-up, for deciding whether a request needs one.
        """
        if not isinstance(token, str) or not token:
            return None
        return self._recall(token)

    def _recall(self, token: str) -> Principal | None:
        hit = self._verified.get(token)
        if hit is None:
            return None
        principal, exp, verified_at = hit
        if time.time() - self._leeway > exp or self._monotonic() - verified_at >= VERIFIED_TTL_S:
            del self._verified[token]
            return None
        return principal

    def _remember(self, token: str, principal: Principal, exp: float) -> None:
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (principal, exp, self._monotonic())

    # -- keys ----------------------------------------------------------------------------------

    async def _key_for(self, kid: str | None) -> Key:
        if self._jwks_url is None:
            assert self._dev_key is not None
            if kid is not None and kid != self._dev_kid:
                raise _reject("Unknown signing key", "kid not the dev key")
            return self._dev_key

        if kid is None:
            raise _reject("Token has no key id", "missing kid")
        key = self._cached_key(kid, fresh_only=True)
        if key is not None:
            return key

        async with self._lock:
            # Another request may have refreshed the cache while we waited for the lock.
            key = self._cached_key(kid, fresh_only=True)
            if key is not None:
                return key
            if self._may_fetch(kid):
                await self._refresh_jwks()
            if not self._has_usable_jwks():
                raise UpstreamUnavailable("Token signing keys are unavailable")
            key = self._cached_key(kid, fresh_only=False)
            if key is None:
                raise _reject("Unknown signing key", "kid not in JWKS")
            return key

    def _cache_age(self) -> float | None:
        if self._jwks_fetched_at is None:
            return None
        return self._monotonic() - self._jwks_fetched_at

    def _has_usable_jwks(self) -> bool:
        age = self._cache_age()
        return age is not None and age < JWKS_MAX_STALE_S

    def _cached_key(self, kid: str, *, fresh_only: bool) -> Key | None:
        age = self._cache_age()
        if age is None or age >= (self._cache_ttl if fresh_only else JWKS_MAX_STALE_S):
            return None
        return self._jwks.get(kid)

    def _may_fetch(self, kid: str) -> bool:
        if self._last_fetch_attempt is None:
            return True
        since_attempt = self._monotonic() - self._last_fetch_attempt
        age = self._cache_age()
        if age is None:
            # Nothing cached yet: retry failures after a short back-off.
            return since_attempt >= JWKS_FAILURE_BACKOFF_S
        if age >= self._cache_ttl:
            # Stale cache: refresh, unless a refresh just failed.
            return not self._last_fetch_failed or since_attempt >= JWKS_FAILURE_BACKOFF_S
        # Fresh cache but unknown kid (key rotation?): refetch at most once per interval.
        return kid not in self._jwks and since_attempt >= self._min_refetch_interval

    async def _refresh_jwks(self) -> None:
        assert self._jwks_url is not None
        self._last_fetch_attempt = self._monotonic()
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=JWKS_FETCH_TIMEOUT_S)
            self._owns_client = True
        try:
            response = await self._client.get(self._jwks_url, timeout=JWKS_FETCH_TIMEOUT_S)
            response.raise_for_status()
            document = response.json()
            keys = self._parse_jwks(document)
        except (httpx.HTTPError, ValueError) as exc:
            self._last_fetch_failed = True
            logger.warning(
                "JWKS fetch failed",
                extra={"jwks_url": self._jwks_url, "error": type(exc).__name__},
            )
            return
        self._last_fetch_failed = False
        self._jwks = keys
        self._jwks_fetched_at = self._monotonic()

    def _parse_jwks(self, document: object) -> dict[str, Key]:
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ValueError("not a JWKS document")
        keys: dict[str, Key] = {}
        for member in document["keys"]:
            if not isinstance(member, dict):
                continue
            kid = member.get("kid")
            if not isinstance(kid, str) or not kid or kid in keys:
                continue
            if not self._jwk_fits(member):
                continue
            try:
                keys[kid] = jwk.construct(member, self._algorithm)
            except (JOSEError, ValueError, TypeError):
                logger.warning("JWKS key skipped: unusable", extra={"kid": kid})
        return keys

    def _jwk_fits(self, member: dict[str, Any]) -> bool:
        """Only public signing keys of the configured algorithm's type are eligible."""
        if member.get("use", "sig") != "sig":
            return False
        if member.get("alg", self._algorithm) != self._algorithm:
            return False
        if any(private in member for private in ("d", "p", "q", "k")):
            return False
        if self._algorithm == "RS256":
            n = member.get("n")
            if member.get("kty") != "RSA" or not isinstance(n, str):
                return False
            try:
                bits = int.from_bytes(_b64url_decode(n), "big").bit_length()
            except (ValueError, binascii.Error):
                return False
            return bits >= _MIN_RSA_BITS
        return member.get("kty") == "EC" and member.get("crv") == "P-256"

    # -- claims --------------------------------------------------------------------------------

    def _decode(self, token: str, key: Key) -> dict[str, Any]:
        options = {
            "verify_signature": True,
            "verify_aud": True,
            "verify_iat": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iss": True,
            "verify_sub": True,
            "verify_jti": True,
            "require_exp": True,
            "require_iat": True,
            "require_sub": True,
            "require_aud": True,
            "require_iss": True,
            "leeway": self._leeway,
        }
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options=options,
            )
        except ExpiredSignatureError:
            raise _reject("Token has expired") from None
        except JOSEError:
            raise _reject("Invalid bearer token", "jose rejected token") from None
        except Exception:
            # jose lets some malformed claim values escape as TypeError etc.: still a bad token.
            raise _reject("Invalid bearer token", "malformed claims") from None
        if not isinstance(claims, dict):
            raise _reject("Invalid bearer token", "claims not an object")
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        """Belt and braces: do not rely on jose to insist on the claims that matter."""
        now = time.time()
        leeway = self._leeway

        exp = claims.get("exp")
        if not _is_number(exp):
            raise _reject("Invalid bearer token", "exp missing or not a number")
        if exp < now - leeway:
            raise _reject("Token has expired")

        iat = claims.get("iat")
        if not _is_number(iat):
            raise _reject("Invalid bearer token", "iat missing or not a number")
        if iat > now + leeway:
            raise _reject("Invalid bearer token", "iat in the future")

        if "nbf" in claims:
            nbf = claims["nbf"]
            if not _is_number(nbf):
                raise _reject("Invalid bearer token", "nbf not a number")
            if nbf > now + leeway:
                raise _reject("Token is not yet valid")

        if claims.get("iss") != self._issuer:
            raise _reject("Invalid bearer token", "wrong issuer")

        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud
        if (
            not isinstance(audiences, list)
            or not all(isinstance(a, str) for a in audiences)
            or self._audience not in audiences
        ):
            raise _reject("Invalid bearer token", "audience missing or wrong")

        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.strip():
            raise _reject("Invalid bearer token", "sub missing or empty")

        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise _reject("Invalid bearer token", "roles not a list of strings")

        jti = claims.get("jti")
        if jti is not None and not isinstance(jti, str):
            raise _reject("Invalid bearer token", "jti not a string")

        teams = claims.get("teams", [])
        if (
            not isinstance(teams, list)
            or len(teams) > MAX_TEAMS
            or not all(isinstance(t, str) and 0 < len(t) <= MAX_TEAM_CHARS for t in teams)
        ):
            raise _reject("Invalid bearer token", "teams not a short list of team names")

    @staticmethod
    def _principal_from(claims: dict[str, Any]) -> Principal:
        return Principal(
            sub=claims["sub"],
            roles=frozenset(claims.get("roles", [])),
            token_id=claims.get("jti"),
            teams=frozenset(claims.get("teams", [])),
        )
