"""deriv check, through real processes: formula files judged line by line in one process, the
summary CI logs parse, exit statuses 0/1/2, JUnit XML, GitHub annotations, and bad input."""

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path


SUMMARY = re.compile(r"(\d+) passed, (\d+) failed, (\d+) errors?")
MIXED = """\
# a formula file: comments and blank lines are no checks
diff sin(x)**2 => sin(2*x)
x**2 => 2*x

x**2 => 3*x
classify x**2 --at 0 => minimum
classify x**2 --at 0 => maximum
critical x**3-3*x => x=-1; x=1
eval x**2 --at 3 => 9
eval pi --at 0 --numeric => 3.1415926536
eval pi --at 0 --numeric => 3.1415
descend "(x - 3)**2" --from 0 => x=3
descend x**2 --from 3 --lr 1.5 => x=0
open('/etc/passwd') => 1
diff "x**2 => 2*x
diff x**2 --json => 2*x
eval 1/x --at 0 => 1
"""
PASSED_LINES = [2, 3, 6, 8, 9, 10, 12]
FAILED_LINES = [5, 7, 11, 13, 17]
ERROR_LINES = [14, 15, 16]


def write(tmp_path: Path, text: str, name: str = "formulas.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def verdict_lines(stdout: str, path: str) -> dict:
    """{line number: (outcome, message)} of the printed failures."""
    found = {}
    for line in stdout.splitlines()[:-1]:
        match = re.fullmatch(re.escape(path) + r":(\d+): (failed|error): (.+)", line)
        assert match, f"not a verdict line: {line!r}"
        found[int(match.group(1))] = (match.group(2), match.group(3))
    return found


def test_a_mixed_file_runs_every_line_and_ends_with_the_summary(process, tmp_path):
    path = write(tmp_path, MIXED)
    result = process("check", path, "--timeout", "20")
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines()[-1] == "7 passed, 5 failed, 3 errors"
    verdicts = verdict_lines(result.stdout, path)
    assert sorted(verdicts) == sorted(FAILED_LINES + ERROR_LINES)
    assert [number for number, (outcome, _) in verdicts.items() if outcome == "error"] == ERROR_LINES
    assert verdicts[5][1] == "expected 3*x, got 2*x; they differ at x=-79/50: expected -4.74, got -3.16"
    assert verdicts[7][1] == "expected local maximum at x=0, got local minimum"
    assert verdicts[11][1].startswith("expected 3.1415 at x=0, got pi = 3.14159265358979; they differ by 9.27e-05, "
                                      "more than the tolerance 5e-05")
    assert verdicts[13][1].startswith("diverged")
    assert "cannot be split" in verdicts[15][1] and "--json is not an option of a check line" in verdicts[16][1]
    assert verdicts[17][1].startswith("division by zero at x = 0")
    assert result.stderr == ""


def test_exit_status_is_1_for_a_failure_and_0_when_all_pass(process, tmp_path):
    lines = MIXED.splitlines()
    without_errors = "\n".join(line for number, line in enumerate(lines, 1) if number not in ERROR_LINES) + "\n"
    failed = process("check", write(tmp_path, without_errors))
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[-1] == "7 passed, 5 failed, 0 errors"
    passing = "\n".join(lines[number - 1] for number in PASSED_LINES) + "\n"
    passed = process("check", write(tmp_path, passing, "good.txt"))
    assert (passed.returncode, passed.stdout) == (0, "7 passed, 0 failed, 0 errors\n")
    quiet = process("check", write(tmp_path, without_errors, "quiet.txt"), "-q")
    assert (quiet.returncode, quiet.stdout) == (1, "")


def test_several_files_and_stdin(process, tmp_path):
    first = write(tmp_path, "x**2 => 2*x\n", "one.txt")
    result = process("check", first, "-", input="# from stdin\nx**3 => 2*x\n")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "<stdin>:2: failed: expected 2*x, got 3*x**2; they differ at x=-79/50: expected -3.16, got 7.4892",
        "1 passed, 1 failed, 0 errors"]


def test_junit_report_has_one_testcase_a_line_with_file_and_line(process, tmp_path):
    path = write(tmp_path, MIXED)
    report = tmp_path / "reports" / "deriv.xml"
    report.parent.mkdir()
    result = process("check", path, "--junit-xml", str(report))
    assert result.returncode == 2
    root = ElementTree.parse(report).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    for element in (root, suite):
        assert (element.get("tests"), element.get("failures"), element.get("errors")) == ("15", "5", "3")
    cases = suite.findall("testcase")
    assert [int(case.get("line")) for case in cases] == sorted(PASSED_LINES + FAILED_LINES + ERROR_LINES)
    assert {case.get("file") for case in cases} == {path}
    failed = [int(case.get("line")) for case in cases if case.find("failure") is not None]
    errors = [int(case.get("line")) for case in cases if case.find("error") is not None]
    assert (failed, errors) == (FAILED_LINES, ERROR_LINES)
    (line_5,) = [case for case in cases if case.get("line") == "5"]
    assert line_5.find("failure").get("message").startswith("expected 3*x, got 2*x")
    assert line_5.get("name") == "line 5: x**2 => 3*x"
    assert list(tmp_path.joinpath("reports").iterdir()) == [report]  # no temporary file left


def test_github_annotations(process, tmp_path):
    path = write(tmp_path, "x**2 => 2*x\nx**2 => 3*x\nopen(1) => 2\n", "a,b.txt")
    result = process("check", path, "--format", "github")
    assert result.returncode == 2
    escaped = path.replace(",", "%2C")
    lines = result.stdout.splitlines()
    assert lines[0] == (f"::error file={escaped},line=2,title=deriv check%3A failed::expected 3*x, got 2*x; "
                        "they differ at x=-79/50: expected -4.74, got -3.16")
    assert lines[1].startswith(f"::error file={escaped},line=3,title=deriv check%3A error::unknown function 'open'")
    assert lines[2:] == ["1 passed, 1 failed, 1 error"]


def test_tolerance_of_numeric_expectations_is_stated(process, tmp_path):
    path = write(tmp_path, "eval pi --at 0 --numeric => 3.1416\ndescend \"(x - 3)**2\" --from 0 => x=3\n")
    assert process("check", path).stdout == "2 passed, 0 failed, 0 errors\n"
    strict = process("check", path, "--tolerance", "1e-12")
    assert strict.returncode == 1
    verdicts = verdict_lines(strict.stdout, path)
    assert "--tolerance 1e-12, relative to max(1, |3.1416|)" in verdicts[1][1]
    assert "the tolerance is 1e-12 a coordinate" in verdicts[2][1]


def test_a_line_reads_its_options_from_the_line_alone(process, tmp_path):
    """DERIV_DIFF_AT set for the shell does not turn the file's derivative checks into value checks."""
    path = write(tmp_path, "x**2 => 2*x\ndiff x**2 --at 3 => 6\n")
    result = process("check", path, env={"DERIV_DIFF_AT": "5", "DERIV_DIFF_EXPECT": "0"})
    assert (result.returncode, result.stdout) == (0, "2 passed, 0 failed, 0 errors\n")


def junit_cases(path: Path) -> list[tuple]:
    """(line, name, kind of failure or None, message) of each testcase: all but the times."""
    cases = ElementTree.parse(path).getroot().find("testsuite").findall("testcase")
    found = []
    for case in cases:
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        found.append((case.get("line"), case.get("name"), None if problem is None else problem.tag,
                      None if problem is None else problem.get("message")))
    return found


def test_jobs_spread_the_lines_and_keep_their_order(process, tmp_path):
    """Two workers and one give the same report, byte for byte on stdout and case for case in
    JUnit; a line past the time limit fails alone, the lines after it still pass."""
    slow = 'descend "x**2 + y**2" --from x=3,y=3 --lr 1e-7 --max-iter 1000000000 => x=0,y=0'
    text = MIXED + slow + "\n" + MIXED
    path = write(tmp_path, text)
    runs = {}
    for jobs in ("1", "2"):
        report = tmp_path / f"jobs{jobs}.xml"
        result = process("check", path, "--jobs", jobs, "--timeout", "3", "--junit-xml", str(report), timeout=300)
        runs[jobs] = result, junit_cases(report)
    (one, one_cases), (two, two_cases) = runs["1"], runs["2"]
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert two_cases == one_cases and len(one_cases) == 2 * len(PASSED_LINES + FAILED_LINES + ERROR_LINES) + 1
    assert one.returncode == 2
    slow_line = len(MIXED.splitlines()) + 1
    assert f"{path}:{slow_line}: failed: the computation exceeded the 3 s limit" in one.stdout
    offset = slow_line
    expected_failures = FAILED_LINES + [slow_line] + [line + offset for line in FAILED_LINES]
    found = verdict_lines(one.stdout, path)
    assert sorted(number for number, (outcome, _) in found.items() if outcome == "failed") == expected_failures
    assert one.stdout.splitlines()[-1] == f"{2 * len(PASSED_LINES)} passed, {2 * len(FAILED_LINES) + 1} failed, {2 * len(ERROR_LINES)} errors"


def test_jobs_is_a_count_of_workers(process, tmp_path):
    path = write(tmp_path, "x**2 => 2*x\n")
    zero = process("check", path, "--jobs", "0")
    assert (zero.returncode, zero.stdout) == (2, "")
    assert "--jobs" in zero.stderr and "Traceback" not in zero.stderr


def test_hostile_lines_each_get_a_verdict_and_nothing_runs(process, tmp_path):
    marker = tmp_path / "ran"
    corpus = Path("/work/shared/corpus/hostile-inputs.txt")
    hostile = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    planted = [f"__import__('os').system('touch {marker}')", f"diff \"open('{marker}', 'w')\" => 1",
               f"eval \"exec('open(\\'{marker}\\', \\'w\\')')\" --at 1 => 1", "x\x00 => 1"]
    lines = [line.encode() for line in hostile + planted]
    lines += [b"\xff\xfe x**2 => 2*x", b"x" * (1 << 20) + b" => 1", b"x**2 => 2*x"]
    path = tmp_path / "hostile.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = tmp_path / "hostile.xml"
    result = process("check", str(path), "--timeout", "20", "--memory", "1024", "--junit-xml", str(report), timeout=300)
    assert result.returncode == 2
    assert not marker.exists()
    assert "Traceback" not in result.stderr and result.stderr == ""
    passed, failed, errors = map(int, SUMMARY.fullmatch(result.stdout.splitlines()[-1]).groups())
    assert (passed, failed + errors) == (1, len(lines) - 1)
    cases = ElementTree.parse(report).getroot().find("testsuite").findall("testcase")
    assert [int(case.get("line")) for case in cases] == list(range(1, len(lines) + 1))
    by_line = {int(case.get("line")): case for case in cases}
    assert by_line[len(lines) - 1].find("error").get("message") == "the line is longer than 65536 bytes"
    assert by_line[len(lines) - 2].find("error").get("message") == "the line is not valid UTF-8"
    assert by_line[len(lines)].find("failure") is None and by_line[len(lines)].find("error") is None


def test_a_hundred_thousand_lines_stream_to_their_summary(process, tmp_path):
    """Comments, blank lines and unreadable lines in bulk, with real checks among them: every
    line is counted at its number (the file is read a line at a time)."""
    chunk = ["# comment", ""] * 9 + ["diff --nosuch => 1", "eval --at 1"]
    lines = chunk * 5_000
    lines[49_999] = "x**2 => 2*x"
    lines[99_998] = "x**2 => 3*x"
    path = write(tmp_path, "\n".join(lines) + "\n", "many.txt")
    result = process("check", path, timeout=300)
    assert result.returncode == 2
    output = result.stdout.splitlines()
    assert output[-1] == "1 passed, 1 failed, 9998 errors"
    assert f"{path}:99999: failed: expected 3*x, got 2*x" in result.stdout
    assert output[0].startswith(f"{path}:19: error: no such option: --nosuch")
    assert output[1] == f"{path}:20: error: missing argument 'EXPRESSION'"
    assert len(output) == 1 + 1 + 9_998


def test_the_pre_commit_hook_runs_deriv_check_on_formula_files(process, tmp_path):
    from conftest import ROOT

    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s*-?\s*(id|entry|language|files|pass_filenames): (.+)$", hooks, flags=re.MULTILINE))
    assert fields == {"id": "deriv-check", "entry": "deriv check", "language": "python", "files": r"\.deriv$",
                      "pass_filenames": "true"}
    staged = write(tmp_path, "x**2 => 2*x\n", "course.deriv")
    assert re.search(fields["files"], staged)
    result = process(*fields["entry"].split()[1:], staged)  # as pre-commit calls it, with the file names
    assert (result.returncode, result.stdout) == (0, "1 passed, 0 failed, 0 errors\n")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install deriv" not in readme  # no package index has it
