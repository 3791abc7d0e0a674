"""Repository rule `pinned_source`: unpack a source pinned in sources.lock.

Why it exists: the build must work with no network at all. `tools/bootstrap`
fetches the files listed in `//third_party:sources.lock` into a local
distfiles cache (through apt-get and npm, the only clients that reach
anything); this rule only *reads* that cache. It never downloads: a missing
or altered file is an error that names the command which fixes it.

What it deliberately does not do: resolve versions, fall back to other
copies, or build anything. The BUILD file of the unpacked tree is ours
(`build_file`), never upstream's.
"""

_DOC = """Unpacks one package pinned in `sources.lock` from the distfiles cache.

For every line of the lock file whose `package` column equals `package`, the
file is looked up in the distfiles cache
(`${API_DISTFILES:-${XDG_CACHE_HOME:-$HOME/.cache}/civet-api/distfiles}`, the
same place `tools/bootstrap` fills) and its SHA-256 is compared with the lock.
Then:

* `debian` packages: the `*.orig.tar.*` archive is extracted with its top
  directory stripped, the `*.debian.tar.*` archive is extracted on top of it
  (giving `debian/`), and every patch in `debian/patches/series` is applied
  in order with `patch -p1` (a `-pN` after the name overrides it), so
  Debian's security fixes are part of the build.
* `npm` packages: the `.tgz` is extracted with `package/` stripped.

Then our own `patches`, if any, are applied the same way. Finally
`build_file` is installed as the repository's `BUILD.bazel`;
upstream BUILD/WORKSPACE files at the top are replaced.

Example (`third_party/repositories.bzl`):

```starlark
load("//third_party:pinned_source.bzl", "pinned_source")

pinned_source(
    name = "yajl",
    package = "yajl",
    build_file = "//third_party:yajl.BUILD",
)
```

and `//third_party:sources.lock` holds, for instance:

```
debian  yajl  2.1.0-3+deb12u2  yajl_2.1.0.orig.tar.gz              3fb7...
debian  yajl  2.1.0-3+deb12u2  yajl_2.1.0-3+deb12u2.debian.tar.xz  31eb...
```
"""

def _distfiles_dir(rctx):
    # Same expansion as tools/bootstrap: empty counts as unset, like ${X:-y}.
    env = rctx.os.environ
    if env.get("API_DISTFILES"):
        return env["API_DISTFILES"]
    cache = env.get("XDG_CACHE_HOME") or env.get("HOME", "") + "/.cache"
    return cache + "/civet-api/distfiles"

def _fix_command(rctx):
    """The exact shell command that fills the cache this rule reads."""
    root = rctx.path(Label("//:WORKSPACE")).dirname
    env = ""
    if rctx.os.environ.get("API_DISTFILES"):
        env = "API_DISTFILES='%s' " % rctx.os.environ["API_DISTFILES"]
    return "cd '%s' && %stools/bootstrap" % (root, env)

def _fields(line):
    """Whitespace-separated fields (Starlark's split() needs a separator)."""
    return [f for f in line.replace("\t", " ").split(" ") if f]

def _parse_lock(rctx):
    """Returns the lock entries of rctx.attr.package, checked for shape."""
    lock = rctx.path(rctx.attr.lock)
    entries = []
    for lineno, raw in enumerate(rctx.read(lock).splitlines()):
        line = raw.split("#")[0].strip()
        if not line:
            continue
        cols = _fields(line)
        where = "%s:%d" % (rctx.attr.lock, lineno + 1)
        if len(cols) != 5:
            fail("%s: expected 5 columns (kind package version filename sha256), got %d" % (where, len(cols)))
        kind, package, version, filename, sha256 = cols
        if kind not in ("debian", "npm"):
            fail("%s: unknown kind %r (accepted: debian, npm)" % (where, kind))
        if len(sha256) != 64:
            fail("%s: sha256 must be 64 hex digits" % where)
        if package == rctx.attr.package:
            entries.append(struct(kind = kind, version = version, filename = filename, sha256 = sha256.lower()))
    if not entries:
        fail("pinned_source(%s): package %r has no line in %s" % (rctx.name, rctx.attr.package, rctx.attr.lock))
    if len({e.kind + " " + e.version: None for e in entries}) != 1:
        fail("pinned_source(%s): all lines of %r in %s must share one kind and version" % (rctx.name, rctx.attr.package, rctx.attr.lock))
    return entries

def _verified_path(rctx, distfiles, entry):
    """Returns the cached file of entry after checking its SHA-256, else fails."""
    path = rctx.path(distfiles + "/" + entry.filename)
    if not path.exists:
        found = "missing (looked for %s)" % path
    else:
        res = rctx.execute(["sha256sum", "--", str(path)])
        if res.return_code != 0:
            fail("pinned_source(%s): sha256sum %s failed: %s" % (rctx.name, path, res.stderr))
        found = res.stdout.split(" ")[0].strip()
        if found == entry.sha256:
            return path
        found = "%s (in %s)" % (found, path)
    fail("""pinned_source(%s): %s is not as pinned in %s
  expected sha256: %s
  found:           %s
  fetch it with:   %s""" % (
        rctx.name,
        entry.filename,
        rctx.attr.lock,
        entry.sha256,
        found,
        _fix_command(rctx),
    ))

def _run(rctx, what, args):
    res = rctx.execute(args, quiet = True)
    if res.return_code != 0:
        fail("pinned_source(%s): %s failed (exit %d): %s\n%s\n%s" % (
            rctx.name,
            what,
            res.return_code,
            " ".join(args),
            res.stdout,
            res.stderr,
        ))

def _untar(rctx, archive, strip):
    args = ["tar", "-xf", str(archive), "-C", str(rctx.path(".")), "--no-same-owner"]
    if strip:
        args.append("--strip-components=1")
    _run(rctx, "unpacking " + archive.basename, args)

def _apply_debian_patches(rctx):
    series = rctx.path("debian/patches/series")
    if not series.exists:
        return
    for raw in rctx.read(series).splitlines():
        cols = _fields(raw.split("#")[0])
        if not cols:
            continue
        strip = cols[1] if len(cols) > 1 and cols[1].startswith("-p") else "-p1"

        # --forward and --fuzz=0: an already-applied or drifted patch is an
        # error, never silently skipped or guessed.
        _run(rctx, "applying debian/patches/" + cols[0], [
            "patch",
            strip,
            "--forward",
            "--fuzz=0",
            "--no-backup-if-mismatch",
            "--directory=" + str(rctx.path(".")),
            "--input=" + str(rctx.path("debian/patches/" + cols[0])),
        ])

def _apply_own_patches(rctx):
    for patch in rctx.attr.patches:
        _run(rctx, "applying " + str(patch), [
            "patch",
            "-p1",
            "--forward",
            "--fuzz=0",
            "--no-backup-if-mismatch",
            "--directory=" + str(rctx.path(".")),
            "--input=" + str(rctx.path(patch)),
        ])

def _pinned_source_impl(rctx):
    entries = _parse_lock(rctx)
    distfiles = _distfiles_dir(rctx)
    paths = {e.filename: _verified_path(rctx, distfiles, e) for e in entries}

    if entries[0].kind == "npm":
        if len(entries) != 1:
            fail("pinned_source(%s): an npm package pins exactly one .tgz" % rctx.name)
        _untar(rctx, paths[entries[0].filename], strip = True)
    else:
        origs = [f for f in paths if ".orig.tar." in f]
        debs = [f for f in paths if ".debian.tar." in f]
        if len(origs) != 1 or len(debs) != 1 or len(paths) != 2:
            fail("pinned_source(%s): a debian package pins one *.orig.tar.* and one *.debian.tar.*, got %s" % (rctx.name, sorted(paths.keys())))
        _untar(rctx, paths[origs[0]], strip = True)
        _untar(rctx, paths[debs[0]], strip = False)
        _apply_debian_patches(rctx)
    _apply_own_patches(rctx)

    for name in ("BUILD", "BUILD.bazel", "WORKSPACE", "WORKSPACE.bazel"):
        rctx.delete(name)
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.symlink(rctx.attr.build_file, "BUILD.bazel")

pinned_source = repository_rule(
    implementation = _pinned_source_impl,
    doc = _DOC,
    attrs = {
        "package": attr.string(
            mandatory = True,
            doc = "Value of the `package` column in the lock file (Debian source package or npm package name).",
        ),
        "build_file": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "Our BUILD file for the unpacked tree; installed as `BUILD.bazel` at its top.",
        ),
        "patches": attr.label_list(
            allow_files = [".patch"],
            doc = "Our own patches (`-p1`), applied after Debian's, in order. Each says in its header why it exists.",
        ),
        "lock": attr.label(
            default = Label("//third_party:sources.lock"),
            allow_single_file = True,
            doc = "The lock file (columns: kind package version filename sha256). Changing it re-runs the rule.",
        ),
    },
    # The cache location comes from these; a change re-runs the rule.
    environ = ["API_DISTFILES", "XDG_CACHE_HOME", "HOME"],
)
