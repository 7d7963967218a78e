#!/usr/bin/env python3
"""Fails when an #include runs against the architecture: from a lower room up to a higher one.

Each room may include itself and the rooms below it (ROOMS lists the rooms each one stands on;
what those stand on is allowed too). A file's room is the longest ROOMS key its path starts
with; tests/, bench/, examples/ and python/ sit above everything. Prints each bad include as
path:line: room -> room, and exits 1 when there is one.

usage: tools/check_includes.py [SOURCE_DIR]
"""
import fnmatch
import os
import pathlib
import re
import sys

# room: the rooms it stands on directly. Lowest first.
ROOMS = {
    "autograd/xtensor": [],  # autograd/xtensor.hpp, autograd/xtensor_linalg.hpp: the one include of xtensor
    "process": [],  # external programs (dot, rsvg-convert) and temporary files
    "random": ["autograd/xtensor"],
    "autograd/kernels": ["autograd/xtensor"],
    "autograd/core": ["autograd/kernels"],
    "autograd/ops": ["autograd/core"],
    "autograd/inspect": ["autograd/ops", "process"],
    "autograd/functional": ["autograd/ops"],
    "autograd": ["autograd/inspect", "autograd/functional"],  # the umbrella autograd/autograd.hpp
    "nn/reference": ["autograd/xtensor", "random"],
    "nn": ["autograd", "nn/reference", "random"],
    "nn/distributed": ["nn"],  # data parallel on MPI, built only when MPI is found
    "io": ["autograd/xtensor", "random"],
    "plot": ["io", "process"],
    "checkpoint": ["nn", "io"],
    "course": ["nn", "io", "random"],
    "cli": ["course", "checkpoint", "plot", "io", "nn/distributed", "nn"],
    "tools": ["cli"],  # scripts, and what is left at the edge
    "tests": ["tools"],
    "bench": ["tools"],
    "examples": ["tools"],
    "python": ["tools"],
}
ALIASES = {"autograd/xtensor.hpp": "autograd/xtensor", "autograd/xtensor_linalg.hpp": "autograd/xtensor"}
SOURCES = ("*.hpp", "*.cpp", "*.def", "*.h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(path: str) -> str | None:
    if path in ALIASES:
        return ALIASES[path]
    best = None
    for room in ROOMS:
        if path.startswith(room + "/") and (best is None or len(room) > len(best)):
            best = room
    return best


def below(room: str, seen=None) -> set:
    """The rooms `room` may include: itself and everything it stands on."""
    seen = set() if seen is None else seen
    if room in seen:
        return seen
    seen.add(room)
    for lower in ROOMS[room]:
        below(lower, seen)
    return seen


def source_files(top: pathlib.Path):
    """The tree's sources, sorted. Build folders are not walked: tests running beside this one
    (kill_resume) make and remove folders there while the walk would read them."""
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not (d.startswith("build") or d.startswith("."))]
        found += [pathlib.Path(folder) / f for f in files
                  if any(fnmatch.fnmatch(f, pattern) for pattern in SOURCES)]
    return sorted(found)


def main() -> int:
    top = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = 0
    for file in source_files(top):
        rel = file.relative_to(top).as_posix()
        if "/corpus/" in rel:
            continue
        here = room_of(rel)
        if here is None:
            continue
        allowed = below(here)
        for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            if not (top / target).exists():  # relative to the file, or not ours
                target = (file.parent / target).relative_to(top).as_posix() \
                    if (file.parent / target).exists() else None
            there = room_of(target) if target else None
            if there is not None and there not in allowed:
                print(f"{rel}:{number}: {here} -> {there} ({match.group(1)}): "
                      f"{here} stands on {', '.join(sorted(allowed - {here})) or 'nothing'}")
                bad += 1
    if bad:
        print(f"{bad} include(s) against the architecture (tools/check_includes.py, CONTRIBUTING.md)")
        return 1
    print("includes point down: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
