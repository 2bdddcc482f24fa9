"""Build a Debian package of the standalone Yonder from the onedir bundle (`make deb`).

    python packaging/build_deb.py [--bundle dist/yonder] [--out dist]

Lays out, under a staging root, then packs with dpkg-deb (owner root):
    /usr/lib/yonder/                                the bundle (dist/yonder, without its
                                                    per-user install.sh/uninstall.sh)
    /usr/bin/yonder                                 symlink to /usr/lib/yonder/yonder
    /usr/share/applications/yonder.desktop          Exec=/usr/bin/yonder %u
    /usr/share/icons/hicolor/<size>/apps/yonder.*   the PNG sizes and the scalable SVG
    /usr/share/metainfo/org.yonder.Yonder.metainfo.xml   AppStream, validated first
Depends: libc6 (>= the bundle's glibc floor) and the packages owning the system libraries the
bundle links against (PyInstaller leaves libGL, fontconfig, the X11 libraries... to the
system), found with ldd and dpkg -S on the build machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "yonder-browser"
METAINFO_ID = "org.yonder.Yonder"
PREFIX_LIB = Path("usr/lib/yonder")


class BuildError(Exception):
    pass


def run(argv: list[str], **kwargs: object) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise BuildError(f"{' '.join(argv)} failed (exit {result.returncode}):\n{result.stderr}")
    return str(result.stdout)


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def glibc_floor(bundle: Path) -> tuple[int, ...]:
    """The newest GLIBC_x.y symbol version any ELF file of the bundle requires."""
    versions: set[tuple[int, ...]] = set()
    for path in elf_files(bundle):
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        for match in re.finditer(r"\bGLIBC_(\d+(?:\.\d+)+)\b", out):
            versions.add(tuple(int(part) for part in match.group(1).split(".")))
    if not versions:
        raise BuildError(f"no GLIBC symbol versions found in {bundle} (is objdump installed?)")
    return max(versions)


def system_dependencies(bundle: Path) -> list[str]:
    """Debian packages owning the libraries outside the bundle that its ELF files load."""
    libraries: set[str] = set()
    for path in elf_files(bundle):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        for match in re.finditer(r"=>\s+(/\S+)\s+\(", out):
            lib = Path(match.group(1))
            if bundle.resolve() not in lib.resolve().parents:
                libraries.add(str(lib))
    packages: set[str] = set()
    for lib in sorted(libraries):
        owners = ""
        for spelling in _spellings(lib):
            result = subprocess.run(["dpkg", "-S", spelling], capture_output=True, text=True)
            if result.returncode == 0:
                owners = result.stdout
                break
        if not owners:
            raise BuildError(
                f"{lib} (needed by the bundle) belongs to no Debian package here; install it "
                "from a package, or bundle it"
            )
        for owner in owners.splitlines():
            packages.add(owner.split(":", 1)[0].split(",")[0].strip())
    packages.discard("libc6")
    return sorted(packages)


def _spellings(lib: str) -> list[str]:
    # /lib is a symlink to /usr/lib on merged-/usr systems, and sonames are symlinks: dpkg
    # knows the path as the package shipped it, which may be any of these.
    names = [lib, str(Path(lib).resolve())]
    swapped = [n[4:] if n.startswith("/usr/") else "/usr" + n for n in names]
    return list(dict.fromkeys(names + swapped))


def validate_metainfo(path: Path) -> str:
    """appstreamcli when installed, else xmllint for well-formedness and the needed fields."""
    if shutil.which("appstreamcli"):
        run(["appstreamcli", "validate", "--no-net", "--explain", str(path)])
        return "appstreamcli"
    if shutil.which("xmllint"):
        run(["xmllint", "--noout", str(path)])
        root = ET.parse(path).getroot()
        for tag in ("id", "name", "summary", "description", "metadata_license", "launchable"):
            if root.find(tag) is None:
                raise BuildError(f"{path}: <{tag}> is missing")
        return "xmllint"
    raise BuildError("neither appstreamcli nor xmllint is installed (apt-get install appstream)")


def build(bundle: Path, out_dir: Path) -> Path:
    for tool in ("dpkg-deb", "dpkg", "objdump", "ldd"):
        if not shutil.which(tool):
            raise BuildError(f"{tool} is not installed (apt-get install dpkg binutils libc-bin)")
    if not (bundle / "yonder").is_file() or not (bundle / "_internal" / "resources").is_dir():
        raise BuildError(f"no built Yonder in {bundle}: run 'make dist' first")
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    metainfo_src = ROOT / "packaging" / "yonder.metainfo.xml"
    releases = [r.get("version") for r in ET.parse(metainfo_src).getroot().iter("release")]
    if not releases or releases[0] != version:
        raise BuildError(
            f"{metainfo_src}: the newest <release> is {releases[:1]}, pyproject.toml says "
            f'{version}: add a <release version="{version}" date=...> entry first'
        )
    arch = run(["dpkg", "--print-architecture"]).strip()

    stage = ROOT / "build" / "deb" / "root"
    shutil.rmtree(stage.parent, ignore_errors=True)
    lib_dir = stage / PREFIX_LIB
    shutil.copytree(bundle, lib_dir, symlinks=True)
    for script in ("install.sh", "uninstall.sh"):  # per-user installers: not in a system package
        (lib_dir / script).unlink(missing_ok=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "yonder").symlink_to("../lib/yonder/yonder")

    resources = lib_dir / "_internal" / "resources"
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    desktop = (resources / "yonder.desktop").read_text(encoding="utf-8")
    desktop = re.sub(r"(?m)^Exec=.*$", "Exec=/usr/bin/yonder %u\nTryExec=/usr/bin/yonder", desktop)
    (apps / "yonder.desktop").write_text(desktop, encoding="utf-8")
    if shutil.which("desktop-file-validate"):
        run(["desktop-file-validate", str(apps / "yonder.desktop")])

    hicolor = stage / "usr" / "share" / "icons" / "hicolor"
    for png in sorted((resources / "icons").glob("yonder-*.png")):
        size = png.stem.split("-", 1)[1]
        dest = hicolor / f"{size}x{size}" / "apps" / "yonder.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, dest)
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(
        resources / "icons" / "yonder.svg", hicolor / "scalable" / "apps" / "yonder.svg"
    )

    metainfo = stage / "usr" / "share" / "metainfo" / f"{METAINFO_ID}.metainfo.xml"
    metainfo.parent.mkdir(parents=True)
    shutil.copyfile(metainfo_src, metainfo)
    validator = validate_metainfo(metainfo)

    for path in stage.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            executable = path.stat().st_mode & 0o111 or is_elf(path)
            path.chmod(0o755 if executable else 0o644)

    floor = ".".join(map(str, glibc_floor(bundle)))
    depends = [f"libc6 (>= {floor})", *system_dependencies(bundle)]
    size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file()) // 1024
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Yonder developers <yonder@localhost>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: web\n"
        "Priority: optional\n"
        "Description: mini text browser that shows how a streaming HTTP download works\n"
        " Yonder opens a socket, sends one HTTP request and shows the answer while it\n"
        " arrives: the response head as received, the document as readable text and\n"
        " every chunk on a live timeline. A standalone build (Python and Qt inside).\n",
        encoding="utf-8",
    )
    # The menu and icon caches follow the installed files (Debian's triggers run
    # update-desktop-database and gtk-update-icon-cache where they are installed).
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    deb.unlink(missing_ok=True)
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(stage), str(deb)])
    print(
        f"build_deb.py: {deb} ({deb.stat().st_size // (1024 * 1024)} MiB; glibc >= {floor}; "
        f"metainfo checked with {validator})"
    )
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "yonder")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        build(args.bundle, args.out)
    except BuildError as exc:
        print(f"build_deb.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
