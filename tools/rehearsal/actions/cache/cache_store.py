"""The store behind the actions/cache stand-ins (restore/, save/) of
tools/dev pipeline: what GitHub's cache service does for actions/cache v4,
on a directory.

- One entry per key, version and ref: REHEARSAL_CACHE/<sha256 of ref, key
  and version>/ holding the archive (a tar of the paths), its sha256, the
  key, the version, the ref that saved it ($GITHUB_REF) and the creation
  time. The version, as GitHub's, hashes the `path` lines as written: a
  restore listing other paths than the save never finds its entry, even by
  the same key. An entry is written once; saving a key that exists is a
  warning, not an error, as GitHub's "Unable to reserve cache ... another
  job may be creating this cache".
- Scope, as GitHub's: a run sees the entries its own ref saved, then the
  default branch's (the event's repository.default_branch), no others. A
  tag's run never sees what dev saved.
- Restore: the primary key exactly (cache-hit true), else each restore key
  in order as a prefix, newest entry first (cache-hit false, matched key
  set), as GitHub matches them: the run's own ref first, then the default
  branch.
- An entry whose archive does not match its sha256 (damaged, cut short) is
  a miss with a warning, never extracted.
- Paths: one per line, `~` is $HOME, a leading `!` excludes. Paths under
  $HOME are stored relative to it and restored under the restoring job's
  $HOME (each job has its own), others as absolute paths.
With REHEARSAL_CACHE unset the stand-in is off: every restore misses and
every save is skipped (a pipeline run that keeps this machine's caches).

Usage: cache_store.py restore --key K [--restore-keys LINES] --path LINES
       cache_store.py save --key K --path LINES
Outputs (restore) go to $GITHUB_OUTPUT: cache-hit, cache-primary-key,
cache-matched-key.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def expand(path):
    return os.path.abspath(os.path.expanduser(path))


# Names under $HOME start with this in an archive, so a restore puts them
# under the restoring job's own $HOME.
HOME_MARK = "__HOME__"


def home_in_archive():
    """$HOME as tar names it (no leading slash)."""
    return os.path.abspath(os.path.expanduser("~")).lstrip("/")


def home_to_mark():
    """tar --transform from $HOME to HOME_MARK: the path as a basic regex
    (tar's), so only \\.[]*^$ are escaped."""
    pattern = re.sub(r"([\\.\[\]*^$])", r"\\\1", home_in_archive())
    return "s|^%s|%s|" % (pattern, HOME_MARK)


def mark_to_home():
    """tar --transform from HOME_MARK to $HOME: the path as a replacement,
    where only \\, & and the delimiter are special (a regex escape there
    would put a backslash into the restored path)."""
    literal = re.sub(r"([\\&|])", r"\\\1", home_in_archive())
    return "s|^%s|%s|" % (HOME_MARK, literal)


def split_paths(text):
    """(included, excluded) absolute paths from actions/cache's `path`."""
    include, exclude = [], []
    for line in lines(text):
        (exclude if line.startswith("!") else include).append(expand(line.lstrip("!")))
    return include, exclude


def current_ref():
    return os.environ.get("GITHUB_REF", "")


def default_ref():
    """refs/heads/<default branch> from the run's event, or "" without one."""
    event = os.environ.get("GITHUB_EVENT_PATH", "")
    if not event or not os.path.isfile(event):
        return ""
    with open(event, encoding="utf-8") as f:
        branch = (json.load(f).get("repository") or {}).get("default_branch") or ""
    return "refs/heads/" + branch if branch else ""


def visible_refs():
    """The refs whose entries this run may restore, in the order tried."""
    own, default = current_ref(), default_ref()
    return [own] if default in ("", own) else [own, default]


def cache_version(path_text):
    """What GitHub's cache service calls the version: a hash of the path
    patterns as the workflow writes them (and the compression, which is
    always tar here), so entries are found only by the same path list."""
    return hashlib.sha256("|".join(lines(path_text) + ["tar"]).encode()).hexdigest()


def entry_dir(store, key, ref, version):
    return os.path.join(store, hashlib.sha256(("%s\0%s\0%s" % (ref, key, version)).encode()).hexdigest())


def entries(store, ref, version):
    """Every complete entry ref saved with version: (created, key, dir)."""
    found = []
    for name in os.listdir(store) if os.path.isdir(store) else []:
        meta = os.path.join(store, name, "entry.json")
        if os.path.isfile(meta):
            with open(meta, encoding="utf-8") as f:
                data = json.load(f)
            if data.get("ref", "") == ref and data.get("version") == version:
                found.append((data["created"], data["key"], os.path.join(store, name)))
    return found


def match(store, key, restore_keys, version):
    """(matched key, dir, exact) or None, as GitHub picks a cache."""
    refs = visible_refs()
    for ref in refs:
        exact = entry_dir(store, key, ref, version)
        if os.path.isfile(os.path.join(exact, "entry.json")):
            return key, exact, True
    for prefix in restore_keys:
        for ref in refs:
            for _, candidate, where in sorted(entries(store, ref, version), reverse=True):
                if candidate.startswith(prefix):
                    return candidate, where, False
    return None


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def intact(where):
    with open(os.path.join(where, "entry.json"), encoding="utf-8") as f:
        want = json.load(f)["sha256"]
    return sha256_file(os.path.join(where, "archive.tar")) == want


def output(**values):
    target = os.environ.get("GITHUB_OUTPUT")
    for name, value in values.items():
        print(f"    {name}={value}")
        if target:
            with open(target, "a", encoding="utf-8") as f:
                f.write(f"{name}={value}\n")


def restore(store, key, restore_keys, paths, version):
    if not store:
        print(f"cache stand-in: off (REHEARSAL_CACHE unset); {key}: miss")
        output(**{"cache-hit": "false", "cache-primary-key": key, "cache-matched-key": ""})
        return 0
    found = match(store, key, restore_keys, version)
    if found and not intact(found[1]):
        print(f"::warning::cache stand-in: the entry for {found[0]} does not match its sha256; not restored")
        found = None
    if not found:
        print(f"Cache not found for input keys: {', '.join([key] + restore_keys)}")
        output(**{"cache-hit": "false", "cache-primary-key": key, "cache-matched-key": ""})
        return 0
    matched, where, exact = found
    subprocess.run(["tar", "-xf", os.path.join(where, "archive.tar"), "-C", "/",
                    "--transform", mark_to_home()], check=True)
    size = os.path.getsize(os.path.join(where, "archive.tar"))
    print(f"Cache restored from key: {matched} ({size} bytes) into {', '.join(paths[0])}")
    output(**{"cache-hit": "true" if exact else "false", "cache-primary-key": key, "cache-matched-key": matched})
    return 0


def save(store, key, paths, version):
    include, exclude = paths
    if not store:
        print(f"cache stand-in: off (REHEARSAL_CACHE unset); {key}: not saved")
        return 0
    present = [p for p in include if os.path.exists(p)]
    if not present:
        print("::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, "
              "hence no cache is being saved.")
        return 0
    where = entry_dir(store, key, current_ref(), version)
    if os.path.exists(where):
        print(f"::warning::Failed to save: Unable to reserve cache with key {key}, another job may be creating this cache.")
        return 0
    os.makedirs(store, exist_ok=True)
    work = tempfile.mkdtemp(dir=store, prefix=".saving-")
    archive = os.path.join(work, "archive.tar")
    command = ["tar", "-cf", archive, "-C", "/", "--transform", home_to_mark()]
    for path in exclude:
        command.append("--exclude=" + path.lstrip("/"))
    subprocess.run(command + [p.lstrip("/") for p in present], check=True)
    meta = {"key": key, "version": version, "ref": current_ref(), "created": time.time(), "sha256": sha256_file(archive),
            "paths": present}
    with open(os.path.join(work, "entry.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    try:
        os.rename(work, where)  # atomic: a reader sees a whole entry or none
    except OSError:
        subprocess.run(["rm", "-rf", work], check=False)
        print(f"::warning::Failed to save: Unable to reserve cache with key {key}, another job may be creating this cache.")
        return 0
    print(f"Cache saved with key: {key} ({os.path.getsize(os.path.join(where, 'archive.tar'))} bytes)")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description="actions/cache stand-in store")
    parser.add_argument("command", choices=["restore", "save"])
    parser.add_argument("--key", required=True)
    parser.add_argument("--restore-keys", default="")
    parser.add_argument("--path", required=True)
    args = parser.parse_args(argv)
    store = os.environ.get("REHEARSAL_CACHE", "")
    paths = split_paths(args.path)
    if not paths[0]:
        print("::error::cache stand-in: no path given")
        return 1
    if args.command == "restore":
        return restore(store, args.key, lines(args.restore_keys), paths, cache_version(args.path))
    return save(store, args.key, paths, cache_version(args.path))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
