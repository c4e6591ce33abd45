"""`mp-explorer sign --token` as a cold whole process, against `python -c "import jwt"`.

    .venv/bin/python bench/bench_sign_cli.py [--quick]

Both run with the venv's interpreter (the console script's shebang is that interpreter), from
fork to exit, as subprocesses: ours with the spec's get-open-data vector (its path, query, keys
and ts; the printed token is checked against the vector's), the comparison importing PyJWT and
nothing else. A warm-up of each (.pyc written), then runs interleaved; medians in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time

from common import ROOT, VENV_PYTHON, Row, interleave, report

from tests.conftest import load_vectors


def timed(argv: list[str], env: dict[str, str], expect: str | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0 or (expect is not None and result.stdout.strip() != expect):
        raise RuntimeError(f"{argv[0]} failed ({result.returncode}): {result.stdout[-300:]} {result.stderr[-600:]}")
    return elapsed


def sign_argv() -> tuple[list[str], str]:
    vector = next(v for v in load_vectors()["signing"] if v["name"] == "get-open-data")
    argv = [str(VENV_PYTHON.with_name("mp-explorer")), "sign", "--path", vector["path"]]
    for name, value in vector["query"]:
        argv += ["--query", f"{name}={value}"]
    argv += ["--access-key-id", vector["access_key_id"], "--secret-key", vector["secret_key"]]
    argv += ["--ts", str(vector["ts"]), "--token"]
    return argv, vector["expected"]["token"]


def measure(quick: bool = False) -> list[Row]:
    runs = 8 if quick else 20
    argv, token = sign_argv()
    with tempfile.TemporaryDirectory(prefix="mpx-bench-") as home:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "MP_EXPLORER_HOME": home}
        samples = interleave(
            {
                "ours": lambda: timed(argv, env, token),
                "jwt": lambda: timed([str(VENV_PYTHON), "-c", "import jwt"], env),
            },
            runs,
        )
    return [Row("`sign --token`, cold process", "mp-explorer sign", "python -c 'import jwt'", "ms",
                samples["ours"], samples["jwt"], limit=1.3)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
