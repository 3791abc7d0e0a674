"""A focused `terraform fmt` style check, for machines with no terraform/tofu.

What it is for: `style_errors(text)` lists the lines of a .tf/.tfvars file
that `terraform fmt` would change in the ways that matter most, as
(line number, message) pairs:
  - a tab, trailing whitespace, CR line endings, or not exactly one final
    newline;
  - indentation other than two spaces per open bracket level (a line that
    opens several brackets indents the next lines by one level, as fmt does);
  - `=` not aligned in a run of consecutive one-line attributes at one level
    (fmt puts every `=` of the run one space after the longest name), or
    spacing other than one space around a lone `=`.
It is a pure function of the text; heredoc bodies are left alone, like fmt.

What it deliberately does not do: rewrite anything, or check spacing inside
expressions. `tofu fmt -check` (tools/infra/install-tofu) is the real thing.
"""

import re

_ATTR = re.compile(r'^( *)([A-Za-z_][\w-]*|"[^"]*")( *)=(?![=>])( *)(\S.*)?$')
_HEREDOC = re.compile(r'<<-?([A-Za-z_][\w]*)\s*$')
_OPEN = "{[("
_CLOSE = "}])"


def scan_line(line, modes):
    """Walks one line of code; returns (opened, closed, first_is_closer, code).

    `modes` is the lexer's stack of ("string",) / ("interp", depth) carried
    across lines (it is updated in place). Only brackets outside strings
    count; `code` is the line with comments removed.
    """
    opened = closed = 0
    first_is_closer = None
    code_end = len(line)
    i = 0
    while i < len(line):
        c = line[i]
        top = modes[-1] if modes else None
        if top is None:
            if c == "#" or line.startswith("//", i):
                code_end = i
                break
            if c == '"':
                modes.append(["string"])
            elif c in _OPEN:
                opened += 1
            elif c in _CLOSE:
                if opened:
                    opened -= 1
                else:
                    closed += 1
            if first_is_closer is None and not c.isspace():
                first_is_closer = c in _CLOSE
        elif top[0] == "string":
            if c == "\\":
                i += 1
            elif c == '"':
                modes.pop()
            elif c in "$%" and line.startswith("{", i + 1):
                modes.append(["interp", 0])
                i += 1
        else:  # interpolation inside a string
            if c == '"':
                modes.append(["string"])
            elif c == "{":
                top[1] += 1
            elif c == "}":
                if top[1] == 0:
                    modes.pop()
                else:
                    top[1] -= 1
        i += 1
    return opened, closed, bool(first_is_closer), line[:code_end]


def _close(stack, count):
    """Pops `count` closed brackets off the per-line stack of open counts."""
    while count > 0 and stack:
        if stack[-1] > count:
            stack[-1] -= count
            count = 0
        else:
            count -= stack.pop()


def _check_run(run, errors):
    """Checks the `=` alignment of a run of (lineno, indent, name, gap, after)."""
    width = max(len(name) for _, _, name, _, _ in run)
    for lineno, _indent, name, gap, after in run:
        if len(name) + len(gap) != width + 1:
            errors.append((lineno, "'=' not aligned: fmt puts it one space after the longest name of these consecutive attributes"))
        elif after != " ":
            errors.append((lineno, "exactly one space expected after '='"))


def style_errors(text):
    """(line, message) for every line terraform fmt would re-indent or re-align."""
    errors = []
    if "\r" in text:
        errors.append((1, "CR line endings"))
    if text and (not text.endswith("\n") or text.endswith("\n\n")):
        errors.append((text.count("\n") + 1, "file must end with exactly one newline"))
    stack = []
    modes = []
    heredoc = None
    run = []
    for lineno, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        if "\t" in line:
            errors.append((lineno, "tab character"))
        if line != line.rstrip():
            errors.append((lineno, "trailing whitespace"))
        in_string = bool(modes)
        opened, closed, leading_close, code = scan_line(line, modes)
        stripped = line.strip()
        single = False
        if stripped and not in_string:
            level = len(stack) - (1 if leading_close else 0)
            indent = len(line) - len(line.lstrip(" "))
            if indent != 2 * max(level, 0):
                errors.append((lineno, "indent %d, expected %d" % (indent, 2 * max(level, 0))))
            m = _ATTR.match(code.rstrip())
            if m and not leading_close:
                _i, name, gap, after, _value = m.groups()
                if opened == 0 and closed == 0 and not modes:
                    single = True
                    run.append((lineno, indent, name, gap, after or ""))
                elif len(gap) != 1 or (after or " ") != " ":
                    errors.append((lineno, "exactly one space expected around '='"))
        if not single:
            if len(run) > 0:
                _check_run(run, errors)
            run = []
        if opened:
            stack.append(opened)
        _close(stack, closed)
        h = _HEREDOC.search(code)
        if h and not modes:
            heredoc = h.group(1)
    if run:
        _check_run(run, errors)
    return errors
