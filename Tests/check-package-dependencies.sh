#!/usr/bin/env bash
# Checks that every target's dependency list in Package.swift is exactly the project modules its Swift
# sources import (`import X`, `@testable import X`, conditional imports included): a module imported
# but not declared, or declared but never imported, fails and is named. Direct dependencies only;
# modules from outside the project (Foundation, Glibc, XCTest, …) are not counted. No network, no build.
# Usage: Tests/check-package-dependencies.sh [repository root]
set -euo pipefail

ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

python3 - "$ROOT" <<'PYTHON'
import os
import re
import sys

root = sys.argv[1]
manifest = open(os.path.join(root, "Package.swift"), encoding="utf-8").read()
# Drop comments so that a commented-out target or dependency does not count.
manifest = re.sub(r"//[^\n]*", "", manifest)

KINDS = {"target": "Sources", "executableTarget": "Sources", "testTarget": "Tests", "systemLibrary": None}


def call_arguments(text, start):
    """The text between the parenthesis at `start` and its match."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index]
    sys.exit(f"check-package-dependencies: unbalanced parentheses in Package.swift at offset {start}")


def string_argument(arguments, label):
    match = re.search(label + r'\s*:\s*"([^"]*)"', arguments)
    return match.group(1) if match else None


targets = []
for match in re.finditer(r"\.(" + "|".join(KINDS) + r")\s*\(", manifest):
    kind = match.group(1)
    arguments = call_arguments(manifest, match.end() - 1)
    name = string_argument(arguments, "name")
    if name is None:
        continue
    dependencies = set()
    listed = re.search(r"dependencies\s*:\s*\[([^\]]*)\]", arguments)
    if listed:
        dependencies = set(re.findall(r'"([^"]+)"', listed.group(1)))
    if KINDS[kind] is None:
        continue  # A system library has no Swift sources.
    path = string_argument(arguments, "path") or os.path.join(KINDS[kind], name)
    targets.append((name, path, dependencies))

project = {name for name, _, _ in targets} | set(re.findall(r'\.systemLibrary\s*\(\s*name\s*:\s*"([^"]+)"', manifest))
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(\w+)",
    re.MULTILINE,
)

failures = 0
for name, path, declared in targets:
    directory = os.path.join(root, path)
    if not os.path.isdir(directory):
        print(f"{name}: its sources are missing ({path})")
        failures += 1
        continue
    imported = {}
    for folder, _, files in os.walk(directory):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            source = os.path.join(folder, file)
            text = open(source, encoding="utf-8").read()
            for module in IMPORT.findall(text):
                if module in project and module != name:
                    imported.setdefault(module, os.path.relpath(source, root))
    for module in sorted(set(imported) - declared):
        print(f"{name}: imports {module} ({imported[module]}) but does not declare it")
        failures += 1
    for module in sorted(declared - set(imported)):
        print(f"{name}: declares {module} but no source imports it")
        failures += 1

if failures:
    print(f"check-package-dependencies: {failures} mismatch(es) between Package.swift and the imports")
    sys.exit(1)
print(f"check-package-dependencies: {len(targets)} targets, dependency lists match their imports")
PYTHON
