#!/usr/bin/env python3
"""strip_containers: the one rewrite tools/dev pipeline makes to the workflows.

act's host mode runs a job on this machine, but a job with `container:`
always asks Docker. So, in a scratch copy only, each job's `container:`
block is deleted, line for line, and nothing else:

  strip_containers.py strip DIR      rewrite DIR/*.yml in place
  strip_containers.py check COMMITTED SCRATCH
                                     exit 0 only when SCRATCH holds the same
                                     files as COMMITTED and each parses to
                                     the same YAML once the committed jobs'
                                     `container` keys are removed, and every
                                     line SCRATCH lacks lies in such a block
"""

import difflib
import os
import re
import sys

import yaml

JOB_CONTAINER = re.compile(r"^(    )container:")


def strip(text):
    """The text without the `container:` blocks of jobs (4-space indent)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if skipping:
            if line.strip() == "" or len(line) - len(line.lstrip(" ")) > 4:
                continue
            skipping = False
        if JOB_CONTAINER.match(line):
            skipping = True
            continue
        out.append(line)
    return "".join(out)


def workflows(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith((".yml", ".yaml")))


def read(path):
    with open(path) as source:
        return source.read()


def check(committed_dir, scratch_dir):
    problems = []
    if workflows(committed_dir) != workflows(scratch_dir):
        problems.append("file lists differ: %s vs %s" % (workflows(committed_dir), workflows(scratch_dir)))
    for name in workflows(committed_dir):
        committed_path, scratch_path = os.path.join(committed_dir, name), os.path.join(scratch_dir, name)
        if not os.path.exists(scratch_path):
            continue
        committed, scratch = read(committed_path), read(scratch_path)
        expected = yaml.safe_load(committed)
        for job in (expected.get("jobs") or {}).values():
            job.pop("container", None)
        if yaml.safe_load(scratch) != expected:
            problems.append("%s: differs in more than the jobs' container keys" % name)
        removed = [line for line in difflib.ndiff(committed.splitlines(), scratch.splitlines())
                   if line.startswith(("+ ", "- "))]
        if any(line.startswith("+ ") for line in removed):
            problems.append("%s: the scratch copy adds lines" % name)
        if strip(committed) != scratch:
            problems.append("%s: not exactly the committed file without its container blocks" % name)
    for problem in problems:
        print("strip_containers: " + problem, file=sys.stderr)
    return 1 if problems else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "strip":
        for name in workflows(argv[1]):
            path = os.path.join(argv[1], name)
            text = read(path)
            with open(path, "w") as out:
                out.write(strip(text))
        return 0
    if len(argv) == 3 and argv[0] == "check":
        return check(argv[1], argv[2])
    print(__doc__, file=sys.stderr if argv[:1] not in (["-h"], ["--help"]) else sys.stdout)
    return 0 if argv[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
