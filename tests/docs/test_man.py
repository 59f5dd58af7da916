"""The manual pages say what --help says: every flag of every program and
subcommand, and every subcommand, appear in man/<program>.1, and groff
reads each page without a warning.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import cli_help  # noqa: E402

ARGS = None
PROGRAMS = ["tcp-demo", "udp-demo", "http-demo", "ftp-demo", "netdemo"]


def plain(roff):
    """The page's words: roff's \\- as -, font changes gone."""
    text = roff.replace("\\-", "-")
    return re.sub(r"\\f(\[[A-Z]*\]|\(..|.)", "", text)


class ManPageTest(unittest.TestCase):
    def programs(self):
        found = [p for p in PROGRAMS if os.path.exists(os.path.join(ARGS.bin, p))]
        self.assertTrue(found, f"no program in {ARGS.bin}")
        return found

    def page(self, program):
        path = os.path.join(ARGS.man, f"{program}.1")
        self.assertTrue(os.path.exists(path), f"{program} has no manual page ({path})")
        with open(path) as f:
            return f.read()

    def test_every_flag_in_help_is_in_the_page(self):
        for program in self.programs():
            words = set(cli_help.flags(plain(self.page(program))))
            for sub, text in cli_help.helps(os.path.join(ARGS.bin, program)).items():
                for flag in cli_help.flags(text):
                    with self.subTest(program=program, command=sub, flag=flag):
                        self.assertIn(flag, words, f"man/{program}.1 does not mention {flag}")

    def test_every_subcommand_has_a_section(self):
        for program in self.programs():
            text = plain(self.page(program))
            for sub in cli_help.subcommands(os.path.join(ARGS.bin, program)):
                with self.subTest(program=program, command=sub):
                    self.assertRegex(text, rf"(?m)^\.SS {re.escape(program)} {sub}\b")

    def test_every_page_has_the_sections_a_reader_looks_for(self):
        for program in self.programs():
            text = self.page(program)
            for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES"):
                with self.subTest(program=program, section=section):
                    self.assertRegex(text, rf"(?m)^\.SH \"?{section}\"?$")

    def test_groff_reads_every_page_without_warnings(self):
        if shutil.which("groff") is None:
            self.skipTest("groff is not installed")
        for program in self.programs():
            r = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8",
                                os.path.join(ARGS.man, f"{program}.1")],
                               capture_output=True, text=True, timeout=30)
            with self.subTest(program=program):
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the folder of the built programs")
    parser.add_argument("--man", required=True, help="the folder of the manual pages")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
