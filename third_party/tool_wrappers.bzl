"""What `python_tools` and `go_tools` share: a repository of wrapper scripts,
one per tool, each exec'ing a binary the bootstrap installed outside the
repository.

A wrapper, not a symlink: runfiles resolve symlinks (a virtualenv's scripts
must run from the venv), and the binary is looked up when run, so a tool that
is missing fails then, saying how to install it.

A wrapper's text is an input of every test that runs it, so it decides when a
cached result is reused: it names no path of the checkout (a clone elsewhere,
a CI workspace or act's per-job directory, hits the results another clone
cached with the same tools), and it carries the tools' pins as comments (a new
pin re-runs those tests instead of serving results cached with the old tool;
reading the pin files also re-runs the repository rule when they change).
"""

def _pin_lines(rctx, pins):
    out = []
    for pin in pins:
        for line in rctx.read(rctx.path(pin)).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append("# pin: " + line + "\n")
    return "".join(out)

def write_tool_wrappers(rctx, bin_dir, installs):
    """Writes `rctx.attr.tools` as `<bin_dir>/<tool>` wrappers and a BUILD
    file exporting them.

    Args:
      rctx: the repository context; its attrs `tools` and `pins` are read.
      bin_dir: the absolute directory the binaries are installed in.
      installs: the pin files named in the message of a missing tool.
    """
    pins = _pin_lines(rctx, rctx.attr.pins)
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for tool in rctx.attr.tools:
        rctx.file(tool, """#!/bin/sh
tool='%s/%s'
if [ ! -x "$tool" ]; then
  echo "$tool not found: run tools/bootstrap in this repository (it installs %s)" >&2
  exit 127
fi
exec "$tool" "$@"
%s""" % (bin_dir, tool, installs, pins), executable = True)
        build.append('exports_files(["%s"])' % tool)
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", "\n".join(build) + "\n")
