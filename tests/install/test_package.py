"""The Debian package: built by CPack, unpacked with dpkg -x into a scratch
root (never installed on this machine), moved, and run from there.

The unpacked programs must find their content in the unpacked
share/netdemo, not in the source tree: a marker file that exists only in
the unpacked copy is fetched over HTTP and listed over FTP. lintian must
report no errors. Exit 77 (skipped) without cpack or dpkg.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import cli_help  # noqa: E402
from harness import ServerTest  # noqa: E402

SKIP = 77
BUILD_S = 600  # cpack installs the build tree and runs dpkg-shlibdeps
WAIT_S = 30
PROGRAMS = ["tcp-demo", "udp-demo", "http-demo", "ftp-demo"]
ARGS = None
MARKER = "only-in-the-unpacked-copy.txt"


class Package:
    """Built and unpacked once for every test; removed at the end."""
    scratch = deb = root = None

    @classmethod
    def build(cls):
        cls.scratch = tempfile.mkdtemp(prefix="netdemo-package-")
        out = os.path.join(cls.scratch, "out")
        subprocess.run(["cpack", "-G", "DEB", "--config",
                        os.path.join(ARGS.build, "CPackConfig.cmake"), "-B", out],
                       check=True, capture_output=True, timeout=BUILD_S, cwd=cls.scratch)
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        assert len(debs) == 1, debs
        cls.deb = os.path.join(out, debs[0])
        unpacked = os.path.join(cls.scratch, "unpacked")
        subprocess.run(["dpkg-deb", "-x", cls.deb, unpacked], check=True, timeout=WAIT_S)
        # Move the whole tree: the programs must find their content
        # relative to where they are now, not where they were unpacked.
        cls.root = os.path.join(cls.scratch, "moved")
        os.rename(unpacked, cls.root)
        share = os.path.join(cls.root, "usr", "share", "netdemo")
        for folder in ("www", "ftp-sample"):
            with open(os.path.join(share, folder, MARKER), "w") as f:
                f.write("served from the unpacked package\n")

    @classmethod
    def remove(cls):
        if cls.scratch:
            shutil.rmtree(cls.scratch, ignore_errors=True)


def program(name):
    return os.path.join(Package.root, "usr", "bin", name)


def run(*argv, timeout=WAIT_S):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def curl(*args):
    return run("curl", "-sS", "--max-time", "10", *args)


class PackageTest(ServerTest):
    def test_control_fields(self):
        r = run("dpkg-deb", "-f", Package.deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        fields = dict(re.findall(r"^([\w-]+): (.*)$", r.stdout, re.M))
        self.assertEqual(fields["Package"], "netdemo")
        self.assertTrue(fields["Version"].startswith(ARGS.version + "-"), fields["Version"])
        self.assertIn("libc6", fields["Depends"])  # computed by dpkg-shlibdeps
        self.assertIn(fields["Section"], ("net", "education"))
        self.assertIn("@", fields["Maintainer"])
        self.assertTrue(fields["Description"].strip())

    def test_files_are_where_debian_puts_them(self):
        for path in ["usr/share/doc/netdemo/copyright", "usr/share/doc/netdemo/changelog.Debian.gz",
                     *(f"usr/share/man/man1/{p}.1.gz" for p in PROGRAMS),
                     "usr/share/netdemo/www/index.html", "usr/share/netdemo/ftp-sample/readme.txt",
                     *(f"usr/bin/{p}" for p in PROGRAMS)]:
            self.assertTrue(os.path.exists(os.path.join(Package.root, path)), path)
        completions = os.path.join(Package.root, "usr/share/bash-completion/completions")
        for name in PROGRAMS:  # bash-completion loads the file named after the command
            self.assertEqual(os.path.realpath(os.path.join(completions, name)),
                             os.path.join(os.path.realpath(completions), "netdemo"), name)
        with open(os.path.join(Package.root, "usr/share/doc/netdemo/copyright")) as f:
            self.assertTrue(f.readline().startswith("Format: https://www.debian.org/doc/"))

    def test_version_and_help_of_every_program(self):
        names = PROGRAMS + (["netdemo"] if os.path.exists(program("netdemo")) else [])
        for name in names:
            r = run(program(name), "--version")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, f"{name} (netdemo) {ARGS.version}\n")
            for sub, text in cli_help.helps(program(name)).items():
                self.assertIn("usage:", text, f"{name} {sub or ''} --help")

    def test_unpacked_programs_speak_chinese_from_the_unpacked_catalogue(self):
        mo = "usr/share/locale/zh_CN/LC_MESSAGES/netdemo.mo"
        self.assertTrue(os.path.exists(os.path.join(Package.root, mo)), mo)
        env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN"}
        r = subprocess.run([program("tcp-demo"), "server", "--bogus"], capture_output=True,
                           text=True, timeout=WAIT_S, env=env, stdin=subprocess.DEVNULL)
        self.assertEqual((r.returncode, r.stderr), (2, "tcp-demo server: 未知选项 '--bogus'（见 --help）\n"))

    def test_unpacked_http_demo_serves_the_unpacked_site(self):
        srv = self.start([program("http-demo"), "server", "-p", "0", "--workers", "1"])
        base = f"http://127.0.0.1:{srv.port}"
        r = curl("-f", base + "/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("<html", r.stdout.lower())
        r = curl("-f", f"{base}/{MARKER}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "served from the unpacked package\n")

    def test_unpacked_ftp_demo_lists_the_unpacked_sample(self):
        srv = self.start([program("ftp-demo"), "server", "-p", "0"])
        r = curl("--list-only", f"ftp://127.0.0.1:{srv.port}/")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = r.stdout.split()
        self.assertIn("readme.txt", names)
        self.assertIn(MARKER, names)

    def test_missing_content_is_one_line_naming_folder_and_flag(self):
        lonely = os.path.join(Package.scratch, "lonely", "bin")
        os.makedirs(lonely, exist_ok=True)
        for name, flag in (("http-demo", "-r DIR"), ("ftp-demo", "-r DIR")):
            copy = shutil.copy(program(name), lonely)
            r = subprocess.run([copy, "server", "-p", "0"], capture_output=True, timeout=WAIT_S,
                               stdin=subprocess.DEVNULL)
            self.assert_one_line_error(r, 1, name)
            self.assertIn(b"/lonely/share/netdemo/", r.stderr)
            self.assertIn(flag.encode(), r.stderr)

    def test_lintian_reports_no_errors(self):
        if shutil.which("lintian") is None:
            self.skipTest("lintian is not installed (scripts/setup.sh installs it)")
        r = run("lintian", "--fail-on", "error", Package.deb, timeout=BUILD_S)
        print(r.stdout, end="", file=sys.stderr)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotRegex(r.stdout, r"^E: ", r.stdout)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True, help="the build folder (CPackConfig.cmake)")
    parser.add_argument("--version", required=True, help="the project's version")
    ARGS, rest = parser.parse_known_args()
    for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "curl"):
        if shutil.which(tool) is None:
            print(f"skipped: {tool} is not installed", file=sys.stderr)
            return SKIP
    try:
        Package.build()
        result = unittest.main(argv=[sys.argv[0], *rest], verbosity=2, exit=False).result
    finally:
        Package.remove()
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
