"""The evidence key: a secret kept outside the database.

It seals the evidence log (an HMAC per entry) and keys the hashes of the signature codes, so
that whoever can only read and write the database (a database administrator, a stolen dump)
can neither append evidence that verifies nor compute a code from its stored hash.

The key is the server option ``esign_secret_key`` when set, otherwise the content of the file
``<data_dir>/esign/<database>.key``, created on first use, readable by the server's user only.
"""

import hashlib
import hmac
import logging
import os
import secrets
import threading

from odoo.tools import config

_logger = logging.getLogger(__name__)

CONFIG_OPTION = "esign_secret_key"
MIN_KEY_LENGTH = 32

_cache = {}
_lock = threading.Lock()


def get_key_path(dbname):
    """Path of the key file of database ``dbname``."""
    if not dbname or os.sep in dbname or dbname.startswith("."):
        raise ValueError(f"Invalid database name for an evidence key: {dbname!r}")
    return os.path.join(config["data_dir"], "esign", f"{dbname}.key")


def clear_cache():
    with _lock:
        _cache.clear()


def _write_new_key(path):
    """Create the key file; ``False`` when another process created it first."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    key = secrets.token_hex(32)
    # written aside then linked: another worker never reads a half-written key
    temp_path = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as key_file:
            key_file.write(key + "\n")
            key_file.flush()
            os.fsync(key_file.fileno())
        os.link(temp_path, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temp_path)
    _logger.warning(
        "esign: created the evidence key %s. Back it up with the database: without it the "
        "evidence of signatures cannot be verified.",
        path,
    )
    return True


def _read_key(path):
    with open(path, encoding="ascii") as key_file:
        key = key_file.read().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"The evidence key {path} is shorter than {MIN_KEY_LENGTH} characters.")
    return key.encode()


def get_evidence_key(dbname):
    """The evidence key of database ``dbname`` (bytes), created on first use."""
    configured = (config.get(CONFIG_OPTION) or "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise ValueError(
                f"The server option {CONFIG_OPTION} must be at least {MIN_KEY_LENGTH} characters."
            )
        return configured.encode()
    path = get_key_path(dbname)
    with _lock:
        if path not in _cache:
            if not os.path.exists(path):
                _write_new_key(path)
            _cache[path] = _read_key(path)
        return _cache[path]


def get_key_id(key):
    """Short public fingerprint of ``key``: tells which key sealed an entry, reveals nothing."""
    return hmac.new(key, b"esign evidence key id", hashlib.sha256).hexdigest()[:16]


def keyed_hash(key, message):
    """HMAC-SHA256 of ``message`` (bytes) with ``key``, in hexadecimal."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()
