"""What a program's --help says: its subcommands and its flags.

The manual pages and the bash completion are checked against this, so the
--help texts stay the one source of what a program accepts.
"""
import os
import re
import subprocess

WAIT_S = 10  # the longest a --help may take

# A flag is -x or --long[-name][.0], not the dash inside "upper-case" or
# "1024-65535".
FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]|-[A-Za-z0-9])(?![\w])")


def run_help(binary, *words):
    """stdout of `binary words... --help`; it must exit 0."""
    r = subprocess.run([binary, *words, "--help"], capture_output=True, text=True,
                       timeout=WAIT_S, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise AssertionError(f"{binary} {' '.join(words)} --help exited {r.returncode}: {r.stderr}")
    return r.stdout


def subcommands(binary):
    """The words the top-level --help lists as `  prog WORD ...`, in order."""
    name = os.path.basename(binary)
    found = []
    for m in re.finditer(rf"^\s+{re.escape(name)} ([a-z][a-z0-9-]*)", run_help(binary), re.M):
        if m.group(1) not in found:
            found.append(m.group(1))
    return found


def flags(text):
    """Every -x and --long token in a help text."""
    return sorted(set(FLAG.findall(text)))


def defined_flags(text, program):
    """The flags a help text defines, not those its prose mentions: the
    first words of its option lines ("  -H, --host HOST", indented by six
    spaces at most, where continuation lines are indented more), the flags of its
    usage lines, and top-level lines such as "  prog --version"."""
    found = set()
    in_usage = False
    for line in text.splitlines():
        in_usage = line.startswith("usage:") or (in_usage and line.strip() != "")
        if in_usage:
            found.update(flags(line))
            continue
        m = re.match(r"^ {2,6}(-[A-Za-z0-9])?(?:, )?(--[A-Za-z0-9][\w.-]*)?(?:\s|$)", line)
        if m:
            found.update(g for g in m.groups() if g)
        m = re.match(rf"^\s+{re.escape(program)} (--?[A-Za-z0-9][\w.-]*)", line)
        if m:
            found.add(m.group(1))
    return sorted(found)


def helps(binary):
    """{subcommand or None: its --help text}, for the program and every subcommand."""
    texts = {None: run_help(binary)}
    for sub in subcommands(binary):
        texts[sub] = run_help(binary, sub)
    return texts
