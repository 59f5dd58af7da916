"""The bash completion offers what --help defines: every command of every
program, and every flag of every command, asked of the real completion
function in bash, as a user's Tab would.
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import cli_help  # noqa: E402

ARGS = None
PROGRAMS = ["tcp-demo", "udp-demo", "http-demo", "ftp-demo", "netdemo"]


def complete(*words):
    """What Tab offers after the words (the last one is being typed)."""
    script = (f"source {shlex.quote(ARGS.completion)}\n"
              f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              f"COMP_LINE={shlex.quote(' '.join(words))}\n"
              f"_netdemo {shlex.quote(words[0])} {shlex.quote(words[-1])} "
              f"{shlex.quote(words[-2])}\n"
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                       text=True, timeout=10)
    if r.returncode != 0 or r.stderr:
        raise AssertionError(f"completion failed for {words}: {r.stderr}")
    return set(r.stdout.split())


class CompletionTest(unittest.TestCase):
    def programs(self):
        found = [p for p in PROGRAMS if os.path.exists(os.path.join(ARGS.bin, p))]
        self.assertTrue(found, f"no program in {ARGS.bin}")
        return found

    def test_every_program_is_completed(self):
        with open(ARGS.completion) as f:
            text = f.read()
        for program in self.programs():
            with self.subTest(program=program):
                self.assertRegex(text, rf"(?m)^complete -F _netdemo .*\b{program}\b")

    def test_every_command_is_offered(self):
        for program in self.programs():
            offered = complete(program, "")
            binary = os.path.join(ARGS.bin, program)
            for word in cli_help.subcommands(binary) + ["--help", "--version"]:
                with self.subTest(program=program, word=word):
                    self.assertIn(word, offered)

    def test_every_flag_of_every_command_is_offered(self):
        for program in self.programs():
            binary = os.path.join(ARGS.bin, program)
            for sub, text in cli_help.helps(binary).items():
                if sub is None:
                    continue  # the top level: see test_every_command_is_offered
                offered = complete(program, sub, "-")
                for flag in cli_help.defined_flags(text, program):
                    with self.subTest(program=program, command=sub, flag=flag):
                        self.assertIn(flag, offered, f"completion/netdemo lacks {flag}")

    def test_values_of_choice_flags_are_offered(self):
        self.assertEqual(complete("tcp-demo", "server", "--model", ""),
                         {"iterative", "fork", "thread", "epoll"})
        self.assertEqual(complete("udp-demo", "server", "--mode", "e"), {"echo"})
        self.assertEqual(complete("udp-demo", "multicast", ""), {"send", "listen"})
        self.assertEqual(complete("http-demo", "server", "-p", ""), set())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder of the built programs")
    parser.add_argument("--completion", required=True, help="the completion file")
    ARGS, rest = parser.parse_known_args()
    if shutil.which("bash") is None:
        print("skipped: no bash", file=sys.stderr)
        sys.exit(77)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
