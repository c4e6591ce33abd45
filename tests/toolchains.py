"""Build and run generated programs with the real toolchains, once per language per test run.

A missing toolchain fails the test and names the Debian package to install (`.ci/run` installs
them); nothing here skips. Compiled languages are compiled once for every program of a run: Go
with a single `go build` of one module holding each program as its own main package, Java with a
single `javac` of every class. Interpreted programs are run the way their users run them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from explorer.export import ExportRequest, program
from explorer.export.java import java_program

# language -> (commands it needs, what to install)
INSTALL = {
    "node": (("node",), "Debian package nodejs (Node.js 18 or later)"),
    "go": (("go",), "Debian package golang-go"),
    "java": (("java", "javac"), "Debian package default-jdk-headless (Java 17 or later)"),
    "php": (("php",), "Debian packages php-cli php-curl"),
    "python": ((), "the test extra: pip install -e '.[test]' (requests, PyJWT, cryptography)"),
    "python-httpx": ((), "pip install -e '.[test]'"),
}
RUN_TIMEOUT = 120
BUILD_TIMEOUT = 600


def require_toolchain(language: str) -> None:
    """Fail (never skip) with what to install when the language's toolchain is missing."""
    commands, install = INSTALL[language]
    missing = [command for command in commands if shutil.which(command) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: install {install} (.ci/run installs it)", pytrace=False)
    if language == "php":
        probe = subprocess.run(
            ["php", "-r", "exit(function_exists('curl_init') && function_exists('openssl_private_decrypt') ? 0 : 1);"],
            capture_output=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        if probe.returncode != 0:
            pytest.fail(f"PHP lacks the curl or openssl extension: install {install}", pytrace=False)
    if language == "node":
        version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout
        major = int(re.match(r"v(\d+)", version).group(1)) if re.match(r"v(\d+)", version) else 0
        if major < 18:
            pytest.fail(f"node {version.strip()} has no built-in fetch: install {install}", pytrace=False)
    if language == "java":
        version = subprocess.run(["javac", "-version"], capture_output=True, text=True, check=False)
        found = re.search(r"(\d+)", version.stdout + version.stderr)
        if not found or int(found.group(1)) < 17:
            pytest.fail(f"javac {found.group(1) if found else '?'} is older than 17: install {install}", pytrace=False)
    if language.startswith("python"):
        module = "httpx" if language == "python-httpx" else "requests"
        for name in (module, "jwt", "cryptography"):
            try:
                __import__(name)
            except ImportError:
                pytest.fail(f"Python module {name} missing: install {install}", pytrace=False)


def run_env(**values: str) -> dict[str, str]:
    """A clean environment: PATH, HOME and a UTF-8 locale, plus the given variables."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "TMPDIR", "GOCACHE", "GOPATH") if key in os.environ}
    env["LANG"] = "C.UTF-8"
    env.update(values)
    return env


@dataclass
class Built:
    """The programs of one language, built: name -> the command line that runs it."""

    language: str
    commands: dict[str, list[str]]
    build_seconds: float

    def run(self, name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.commands[name], capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT, check=False
        )


def build(language: str, requests: dict[str, ExportRequest], workdir: Path) -> Built:
    """Write every program and compile them together (one compiler run for the language)."""
    import time

    require_toolchain(language)
    workdir.mkdir(parents=True, exist_ok=True)
    names = list(requests)
    commands: dict[str, list[str]] = {}
    started = time.perf_counter()
    if language in ("python", "python-httpx", "node", "php"):
        suffix = {"node": ".js", "php": ".php"}.get(language, ".py")
        runner = {"node": ["node"], "php": ["php"]}.get(language, [sys.executable])
        for index, name in enumerate(names):
            path = workdir / f"prog{index}{suffix}"
            path.write_text(program(language, requests[name]), encoding="ascii")
            commands[name] = [*runner, str(path)]
    elif language == "go":
        (workdir / "go.mod").write_text("module mpexport\n\ngo 1.19\n", encoding="ascii")
        for index, name in enumerate(names):
            folder = workdir / f"prog{index}"
            folder.mkdir(exist_ok=True)
            (folder / "main.go").write_text(program("go", requests[name]), encoding="ascii")
            commands[name] = [str(workdir / "bin" / f"prog{index}")]
        _compile(["go", "build", "-o", str(workdir / "bin") + "/", "./..."], workdir, run_env(HOME=str(Path.home())))
    elif language == "java":
        sources = []
        for index, name in enumerate(names):
            class_name = f"MpRequest{index}"
            path = workdir / f"{class_name}.java"
            path.write_text(java_program(requests[name], class_name=class_name), encoding="ascii")
            sources.append(str(path))
            # Startup flags only (the JIT's first tier, one GC thread): the programs are tiny.
            commands[name] = [
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                str(workdir / "classes"),
                class_name,
            ]
        _compile(["javac", "-encoding", "US-ASCII", "-d", str(workdir / "classes"), *sources], workdir, run_env())
    else:
        raise ValueError(language)
    return Built(language, commands, time.perf_counter() - started)


def _compile(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=BUILD_TIMEOUT, check=False)
    assert result.returncode == 0, f"{' '.join(argv[:2])} failed:\n{result.stdout}\n{result.stderr[-4000:]}"


def stages(output: str) -> dict[str, str]:
    """The stages a program prints with MP_DRY_RUN=1 (canonical request: the lines between markers)."""
    _, found, rest = output.partition("canonical request:\n")
    assert found, f"no stages in the output:\n{output}"
    canonical, found, tail = rest.partition("\ndigest: ")
    assert found, f"no digest in the output:\n{output}"
    digest, _, token_line = tail.partition("\n")
    token = token_line.removeprefix("token: ").rstrip("\n")
    return {"canonical_request": canonical, "digest": digest, "token": token}
