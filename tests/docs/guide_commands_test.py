#!/usr/bin/env python3
"""Every fazhi command line written in the guides (docs/*.md code blocks, systemd ExecStart lines
included) names a subcommand and options the program really has: each one is checked against
`fazhi <subcommand> --help` of the binary under test. The guide drifted once (backup FILE for
backup --out FILE, a missing `unit add-root`); this keeps it from drifting again.

    guide_commands_test.py FAZHI_BIN DOCS_DIR
"""
import pathlib
import re
import shlex
import subprocess
import sys

BIN, DOCS = sys.argv[1], pathlib.Path(sys.argv[2])
GLOBAL_WITH_VALUE = {"--db", "--db-file", "--key-file", "--log-level", "--audit-key-file", "--audit-hash",
                     "--audit-checkpoint-dir"}
help_cache = {}


def help_text(path):
    key = tuple(path)
    if key not in help_cache:
        r = subprocess.run([BIN, *path, "--help"], capture_output=True, text=True)
        help_cache[key] = (r.returncode, r.stdout + r.stderr)
    return help_cache[key]


def subcommands(text):
    """Names listed under 'Subcommands:' in CLI11's help."""
    names, inside = set(), False
    for line in text.splitlines():
        if line.strip().startswith("Subcommands:") or line.strip() == "SUBCOMMANDS:":
            inside = True
            continue
        if inside:
            m = re.match(r"\s+(\S+)", line)
            if m and line.startswith("  "):
                names.add(m.group(1))
            elif line.strip() == "":
                continue
            else:
                inside = False
    return names


SHELL_LANGS = {"sh", "bash", "shell", "console", "ini"}


def code_blocks(md):
    """(line number, text) of each command line inside a fenced block, continuation lines joined:
    every line of a shell or systemd (ini) block; in a block without a language (a usage synopsis
    or a diagram) only lines that begin with the program."""
    out, inside, lang, buf, start = [], False, "", "", 0
    for n, line in enumerate(md.splitlines(), 1):
        if line.lstrip().startswith("```"):
            inside = not inside
            lang = line.strip()[3:].strip().lower() if inside else ""
            continue
        if not inside or (lang and lang not in SHELL_LANGS):
            continue
        if not lang and not buf and (not re.match(r"\s*(\S*/)?fazhi\s", line) or re.search("[─│▶▼→]", line)):
            continue  # prose, or a diagram's box that names the command
        if not buf:
            start = n
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        out.append((start, buf + line))
        buf = ""
    return out


def fazhi_invocations(line):
    """Token lists following each `fazhi` program word in a shell line."""
    line = line.split("#", 1)[0] if not line.lstrip().startswith("ExecStart") else line
    line = re.sub(r"^\s*ExecStart(Post)?=(-)?", "", line)
    line = re.sub(r"\$\([^)]*\)", "X", line)  # $(date +%Y%m%d) inside a file name
    line = line.replace("'", " ").replace('"', " ")
    try:
        words = shlex.split(line, comments=False, posix=True)
    except ValueError:
        words = line.split()
    found = []
    top = subcommands(help_text([])[1])
    for i, w in enumerate(words):
        program = False
        if (w == "fazhi" or w.endswith(("bin/fazhi", "release/fazhi", "debug/fazhi"))) and i + 1 < len(words):
            # The word is also a user, a database, an nginx upstream, a file being copied…: a command
            # only when what follows is an option of the program, a placeholder, or a subcommand.
            nxt = words[i + 1]
            program = nxt.startswith("--") or nxt in {"...", "…"} or nxt in top
        if program:
            rest = []
            for t in words[i + 1:]:
                if t in {"|", "||", "&&", ";", ">", ">>", "<", "2>&1"} or t.startswith((">", "<", "|", ")")):
                    break
                rest.append(t)
            found.append(rest)
    return found


def check(tokens):
    """Problems with one invocation (empty list: fine)."""
    # A usage synopsis writes optional parts in brackets: [--at TIME] is checked as --at TIME.
    tokens = [t.strip("[]") for t in tokens if t not in {"...", "…"}]
    tokens = [t for t in tokens if t]
    i, path = 0, []
    # global options first
    while i < len(tokens) and tokens[i].startswith("--"):
        opt = tokens[i].split("=", 1)[0]
        if opt not in GLOBAL_WITH_VALUE:
            return [f"unknown global option {opt}"]
        i += 1 if "=" in tokens[i] else 2
    if i >= len(tokens):
        return []  # `fazhi --help` and the like
    rc, text = help_text([])
    if tokens[i] not in subcommands(text):
        return [f"no subcommand “{tokens[i]}”"]
    path.append(tokens[i])
    i += 1
    while i < len(tokens) and not tokens[i].startswith("-"):
        rc, text = help_text(path)
        subs = subcommands(text)
        if not subs:
            break  # positional argument of a leaf command
        if tokens[i] not in subs:
            return [f"no subcommand “{' '.join(path + [tokens[i]])}”"]
        path.append(tokens[i])
        i += 1
    rc, text = help_text(path)
    if rc != 0:
        return [f"`fazhi {' '.join(path)} --help` failed"]
    if subcommands(text) and not any(t in subcommands(text) for t in tokens[i:]):
        return [f"“fazhi {' '.join(path)}” needs one of its subcommands"]
    # The command's options as its help lists them: "--out TEXT" takes a value, "--all" does not.
    options = {}
    for m in re.finditer(r"^\s+(?:-\w,)?(--[\w-]+)(?:\s+([A-Z][A-Z:]*))?", text, re.M):
        options[m.group(1)] = bool(m.group(2)) and m.group(2) != "REQUIRED"
    positionals = "POSITIONALS:" in text or "Positionals:" in text
    problems, rest = [], tokens[i:]
    j = 0
    while j < len(rest):
        t = rest[j]
        if t.startswith("--"):
            opt = t.split("=", 1)[0]
            if opt in GLOBAL_WITH_VALUE:
                j += 1 if "=" in t else 2
                continue
            if opt not in options:
                problems.append(f"“fazhi {' '.join(path)}” has no option {opt}")
                j += 1
                continue
            j += 1 if ("=" in t or not options[opt]) else 2
            continue
        if not positionals:
            problems.append(f"“fazhi {' '.join(path)}” takes no argument “{t}” (an option is missing before it?)")
        j += 1
    return problems


failures, checked = [], 0
for md in sorted(DOCS.glob("*.md")):
    for n, line in code_blocks(md.read_text(encoding="utf-8")):
        for tokens in fazhi_invocations(line):
            checked += 1
            for p in check(tokens):
                failures.append(f"{md.name}:{n}: {p}\n    {line.strip()}")
print(f"checked {checked} fazhi command lines in {DOCS}/*.md")
if checked < 10:
    failures.append(f"only {checked} command lines found: the extraction is broken")
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
