"""Each add-on builds as the wheel users ``pip install``: ``odoo-addon-<name>``, built by whool
from the add-on's pyproject.toml, the way OCA packages its 18.0 add-ons.

whool takes the package's metadata from the manifest: version (the manifest's, plus ".N" for N
commits since the manifest's version last changed), dependencies (``odoo==18.0.*``, one
``odoo-addon-<dep>`` per dependency that is not an Odoo module, the manifest's Python external
dependencies); and it packages the add-on's files under git control.
"""

import ast
import importlib.util
import re
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: whool depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
ADDONS = sorted(path.parent.name for path in (ROOT / "addons").glob("*/__manifest__.py"))
SERIES = "18.0"


def _manifest(addon):
    return ast.literal_eval((ROOT / "addons" / addon / "__manifest__.py").read_text())


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(line):
    """('odoo-addon-esign', '==18.0.*') from 'odoo-addon-esign==18.0.*'."""
    name, specifier = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", line).groups()
    return _normalize(name), specifier.replace(" ", "")


def _odoo_core_addons():
    """Odoo's own modules (never packaged as odoo-addon-*), from Odoo's source when installed."""
    spec = importlib.util.find_spec("odoo")
    if spec and spec.origin:
        package = Path(spec.origin).parent
        return {
            path.parent.name
            for folder in (package / "addons", package.parent / "addons")
            for path in folder.glob("*/__manifest__.py")
        }
    pytest.importorskip("manifestoo_core")
    from manifestoo_core.core_addons import get_core_addons
    from manifestoo_core.odoo_series import OdooSeries

    return set(get_core_addons(OdooSeries(SERIES)))


def _tracked_files(addon):
    """The add-on's files as whool sees them: under git control, or all of them outside git."""
    folder = ROOT / "addons" / addon
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=folder, capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        return {name for name in result.stdout.split("\0") if name}
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_every_addon_has_a_whool_pyproject():
    assert ADDONS, "no add-on found"
    for addon in ADDONS:
        path = ROOT / "addons" / addon / "pyproject.toml"
        assert (
            path.is_file()
        ), f"{path.relative_to(ROOT)} is missing: run `whool init addons` (pre-commit does)"
        build_system = tomllib.loads(path.read_text())["build-system"]
        assert build_system["build-backend"] == "whool.buildapi", addon
        assert [_requirement(r)[0] for r in build_system["requires"]] == ["whool"], addon


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """Builds every add-on's wheel, the way a user or a release would (pip wheel)."""
    out = tmp_path_factory.mktemp("wheels")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out)]
    if importlib.util.find_spec("whool") and importlib.util.find_spec("wheel"):
        # whool is in requirements-dev.txt: no need to fetch it into an isolated environment
        command.append("--no-build-isolation")
    command.extend(f"addons/{addon}" for addon in ADDONS)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return sorted(out.glob("*.whl"))


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_builds_as_an_odoo_addon_wheel(addon, wheels):
    manifest = _manifest(addon)
    pattern = re.compile(
        rf"odoo_addon_{addon}-(?P<version>{re.escape(SERIES)}\.\d+\.\d+\.\d+(?:\.\d+)?)"
        r"-py3-none-any\.whl"
    )
    matches = [(path, pattern.fullmatch(path.name)) for path in wheels]
    matches = [(path, match) for path, match in matches if match]
    assert len(matches) == 1, f"no odoo_addon_{addon} wheel in {[w.name for w in wheels]}"
    wheel, match = matches[0]
    version = match["version"]
    assert version == manifest["version"] or version.startswith(
        manifest["version"] + "."
    ), f"{wheel.name}: the version does not come from the manifest's {manifest['version']}"

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = HeaderParser().parsestr(
            archive.read(f"odoo_addon_{addon}-{version}.dist-info/METADATA").decode()
        )
    prefix = f"odoo/addons/{addon}/"
    packaged = {name[len(prefix) :] for name in names if name.startswith(prefix)}

    # What Odoo loads: the manifest and every file it names, assets included.
    assert "__manifest__.py" in packaged and "__init__.py" in packaged
    for key in ("data", "demo"):
        missing = [name for name in manifest.get(key, []) if name not in packaged]
        assert not missing, f"{wheel.name} lacks the manifest's {key} files {missing}"
    for bundle, assets in manifest.get("assets", {}).items():
        for asset in assets:
            asset = asset[-1] if isinstance(asset, list | tuple) else asset
            if asset.startswith(("http:", "https:", "/")) or not asset.startswith(addon + "/"):
                continue
            glob = str(PurePosixPath(asset).relative_to(addon))
            assert any(
                fnmatch(name, glob) for name in packaged
            ), f"{wheel.name} lacks {asset} ({bundle})"
    # Everything else under git control: translations, static files, reports, tests...
    expected = _tracked_files(addon) - {"pyproject.toml"}
    missing = sorted(expected - packaged)
    assert not missing, f"{wheel.name} lacks {missing}"
    # the kinds of files Odoo needs besides Python, when the add-on has them (a small glue
    # add-on has no access rules, translations or static files of its own)
    kinds = {PurePosixPath(name).suffix for name in packaged}
    tracked_kinds = {PurePosixPath(name).suffix for name in expected}
    assert {".py", ".xml"} | (tracked_kinds & {".csv", ".po"}) <= kinds, sorted(kinds)
    if any(name.startswith("static/") for name in expected):
        assert any(name.startswith("static/") for name in packaged), "no static files"
    assert "pyproject.toml" not in packaged

    # The metadata pip resolves: Odoo 18.0, the add-ons it needs, its Python libraries.
    assert _normalize(metadata["Name"]) == _normalize(f"odoo-addon-{addon}")
    assert metadata["Version"] == version
    requires = dict(_requirement(line) for line in metadata.get_all("Requires-Dist", []))
    assert requires.get("odoo") == f"=={SERIES}.*", requires
    core = _odoo_core_addons()
    expected_addons = {
        _normalize(f"odoo-addon-{dep}") for dep in manifest.get("depends", []) if dep not in core
    }
    actual_addons = {name for name in requires if name.startswith("odoo-addon-")}
    assert actual_addons == expected_addons, requires
    for name in actual_addons:
        assert requires[name] == f"=={SERIES}.*", (name, requires[name])
    try:
        from manifestoo_core.metadata import EXTERNAL_DEPENDENCIES_MAP as known_names
    except ImportError:
        known_names = {}
    for library in manifest.get("external_dependencies", {}).get("python", []):
        names = known_names.get(library, library)
        names = [names] if isinstance(names, str) else names
        for name in names:
            assert _requirement(name)[0] in requires, (library, requires)
