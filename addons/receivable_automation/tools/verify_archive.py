#!/usr/bin/env python3
"""Verify an audit export of the receivables archive (Python 3 standard library only).

Usage, in the folder extracted from the ZIP::

    python3 verify_archive.py            # reads manifest.csv next to this script
    python3 verify_archive.py path/to/manifest.csv

For every line of the manifest it recomputes the SHA-256 of the file (column "path", relative to
the manifest) and the entry's chain hash
from the manifest's columns, and checks that each entry's previous hash is the chain hash of the
entry before it when both are in the export. Exit status 0 when everything matches, 1 otherwise.

Chain hash of an entry: the SHA-256 (hex) of the UTF-8 JSON array, without spaces, of the
version tag "receivable-archive-v1" then, as strings, the columns listed in CHAIN_COLUMNS, in
that order (integers in decimal, the archive date as "YYYY-MM-DD HH:MM:SS" UTC, dates as
"YYYY-MM-DD", an empty string for a missing value). The previous hash of the first entry of a
company is empty.
"""

import csv
import hashlib
import json
import os
import sys

CHAIN_VERSION = "receivable-archive-v1"
CHAIN_COLUMNS = (
    "company",
    "sequence",
    "previous_hash",
    "sha256",
    "document",
    "file_name",
    "document_type",
    "partner",
    "source_model",
    "source_id",
    "archive_date",
    "retention_class",
    "retention_end",
)


def compute_chain_hash(entry):
    """Chain hash of an entry given as a mapping of CHAIN_COLUMNS to values."""
    values = [CHAIN_VERSION] + [str(entry.get(column) or "") for column in CHAIN_COLUMNS]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(manifest_path):
    """Return the list of problems found (empty: the export is intact)."""
    base = os.path.dirname(os.path.abspath(manifest_path))
    problems = []
    with open(manifest_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_position = {}
    for row in rows:
        label = f"{row['company']} #{row['sequence']} ({row['path']})"
        path = os.path.join(base, row["path"])
        if not os.path.isfile(path):
            problems.append(f"{label}: file missing")
        elif file_sha256(path) != row["sha256"]:
            problems.append(f"{label}: file altered (SHA-256 differs)")
        if compute_chain_hash(row) != row["chain_hash"]:
            problems.append(f"{label}: chain hash differs (the manifest line was changed)")
        by_position[(row["company"], int(row["sequence"]))] = row
    for (company, sequence), row in sorted(by_position.items()):
        previous = by_position.get((company, sequence - 1))
        if previous and previous["chain_hash"] != row["previous_hash"]:
            problems.append(
                f"{company} #{sequence}: previous hash is not the chain hash of "
                f"#{sequence - 1} (chain broken)"
            )
        if sequence == 1 and row["previous_hash"]:
            problems.append(f"{company} #1: the first entry has a previous hash")
    return problems


def main(argv):
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.csv")
    manifest_path = argv[1] if len(argv) > 1 else default
    problems = verify(manifest_path)
    for problem in problems:
        sys.stdout.write(f"FAILED: {problem}\n")
    if problems:
        sys.stdout.write(f"{len(problems)} problem(s) found.\n")
        return 1
    sys.stdout.write("OK: every file and every chain hash of the manifest match.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
