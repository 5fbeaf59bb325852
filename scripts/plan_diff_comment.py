"""The pull-request comment of .github/workflows/plan-diff.yml: for every design file a pull
request changes, `devops-plan diff git:BASE:path git:HEAD:path --format md`, gathered into one
comment that is posted, or updated in place on the next push (found by its marker).

Run: python scripts/plan_diff_comment.py --base SHA --head SHA [--glob PATTERN ...]
         [--out comment.md] [--post]
--post reads GITHUB_TOKEN, REPOSITORY (owner/name), PR_NUMBER and GITHUB_API_URL (default
https://api.github.com) from the environment. Exit 0 also when a design does not plan: the
comment says why, the review decides.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MARKER = "<!-- devops-plan plan-diff -->"
DEFAULT_GLOBS = ("data/designs/*.yaml", "**/*.design.yaml", "designs/**/*.yaml")
CLI = [sys.executable, "-m", "devops_plan"]


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd, check=True)
    return done.stdout


def exists(ref: str, path: str, cwd: Path | None = None) -> bool:
    done = subprocess.run(
        ["git", "cat-file", "-e", f"{ref}:{path}"], capture_output=True, cwd=cwd, check=False
    )
    return done.returncode == 0


def changed_designs(
    base: str, head: str, globs: Sequence[str], cwd: Path | None = None
) -> list[str]:
    """Design files added, changed, renamed or deleted between the merge base and `head`."""
    specs = [f":(glob){g}" for g in globs]
    out = git("diff", "--name-only", "--no-renames", base, head, "--", *specs, cwd=cwd)
    return sorted({line for line in out.splitlines() if line.strip()})


def section(base: str, head: str, path: str, cwd: Path | None = None) -> str:
    """The diff of one design as Markdown, or the error that stopped it."""
    sides = [f"git:{ref}:{path}" if exists(ref, path, cwd) else "none" for ref in (base, head)]
    done = subprocess.run(
        [*CLI, "diff", *sides, "--format", "md", "--title", path],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    if done.returncode == 0:
        return done.stdout
    return f"### {path}\n\ndevops-plan could not compare it:\n\n```\n{done.stderr.strip()}\n```\n"


def comment(base: str, head: str, globs: Sequence[str], cwd: Path | None = None) -> str | None:
    """The whole comment, or None when the pull request changes no design file."""
    merge_base = git("merge-base", base, head, cwd=cwd).strip()
    paths = changed_designs(merge_base, head, globs, cwd)
    if not paths:
        return None
    parts = [MARKER, f"## devops-plan: what this pull request does to {len(paths)} design(s)\n"]
    parts += [section(merge_base, head, path, cwd) for path in paths]
    parts.append(f"<sub>Compared {merge_base[:12]} (merge base) with {head[:12]}.</sub>\n")
    return "\n".join(parts)


Request = Callable[[str, str, dict[str, Any] | None], Any]


def github(api: str, token: str) -> Request:
    def request(method: str, path: str, body: dict[str, Any] | None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{api}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {token}")
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read() or b"null")

    return request


def post(request: Request, repository: str, number: str, body: str) -> str:
    """Update the comment that carries the marker, or create one; 'updated' or 'created'."""
    page = 1
    while True:
        found = request(
            "GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}", None
        )
        for existing in found:
            if MARKER in (existing.get("body") or ""):
                request(
                    "PATCH", f"/repos/{repository}/issues/comments/{existing['id']}", {"body": body}
                )
                return "updated"
        if len(found) < 100:
            break
        page += 1
    request("POST", f"/repos/{repository}/issues/{number}/comments", {"body": body})
    return "created"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--head", required=True)
    parser.add_argument("--glob", action="append", help="Design files (git pathspec glob).")
    parser.add_argument("--out", type=Path, help="Also write the comment to this file.")
    parser.add_argument("--post", action="store_true", help="Post or update the PR comment.")
    args = parser.parse_args(argv)
    body = comment(args.base, args.head, args.glob or DEFAULT_GLOBS)
    if body is None:
        print("no design file changed; nothing to post")
        return 0
    if args.out:
        args.out.write_text(body, encoding="utf-8")
    if args.post:
        env = os.environ
        api = env.get("GITHUB_API_URL", "https://api.github.com")
        done = post(github(api, env["GITHUB_TOKEN"]), env["REPOSITORY"], env["PR_NUMBER"], body)
        print(f"comment {done}")
    else:
        print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
