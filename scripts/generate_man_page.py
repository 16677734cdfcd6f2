"""Write man/deriv.1 from the click definitions, so the manual cannot drift from the program.

Commands, their arguments and every option (with its help text and default) come from click;
the sections that explain (syntax, output, JSON keys, exit statuses, environment, examples) are
written here. Run ``python scripts/generate_man_page.py`` after changing an option; a test fails
while the committed page differs from what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from derivcli import __version__  # noqa: E402
from derivcli.cli import cli  # noqa: E402
from derivcli.errors import ExitStatus  # noqa: E402
from derivcli.guard import PLATFORM_NOTE  # noqa: E402

PAGE = ROOT / "man" / "deriv.1"
DATE = "2026-11-30"
COMMAND_ORDER = ["diff", "eval", "critical", "classify", "descend", "check"]
JSON_COMMANDS = ["diff", "eval", "critical", "classify", "descend"]

EXIT_MEANINGS = {
    ExitStatus.SUCCESS: "success",
    ExitStatus.EXPECTATION_FAILED: "an --expect check failed (both forms and a point where they differ are on stderr)",
    ExitStatus.USAGE: "usage error, or an expression that cannot be parsed or is not allowed",
    ExitStatus.NO_ANSWER: "no mathematical answer: undefined at the point, a function real at no point (or only at isolated points), descent diverged or did not converge",
    ExitStatus.RESOURCE_LIMIT: "a resource limit was hit (--timeout, --memory, a full disk)",
    ExitStatus.INTERNAL: "internal error (a bug): one line on stderr, the traceback with --debug",
    ExitStatus.INTERRUPTED: "interrupted (Ctrl-C)",
}
# Not an ExitStatus of deriv's own making: 128 + the signal's number, as a shell reports it.
SIGNAL_STATUSES = {143: "terminated (SIGTERM): the computation is stopped and its worker ended first"}

# Top-level keys of each command's --json object; a test checks them against the real output.
JSON_KEYS = {
    "diff": ["schema", "command", "expression", "variables", "order", "derivative", "latex", "at", "at_numeric",
             "value", "value_numeric", "steps", "raw", "passes", "checked", "expect", "notes", "tangent"],
    "eval": ["schema", "command", "expression", "variables", "wrt", "order", "exact", "digits", "points", "expect"],
    "critical": ["schema", "command", "expression", "variables", "derivatives", "equations", "interval", "points",
                 "families", "endpoints", "complete", "method", "constant", "notes"],
    "classify": ["schema", "command", "expression", "variables", "points", "families", "critical", "absolute",
                 "inflections", "notes"],
    "descend": ["schema", "command", "expression", "variables", "gradient", "method", "learning_rate", "momentum",
                "tolerance", "max_iterations", "every", "start", "start_numeric", "iterations", "converged",
                "reason", "message", "hint", "warnings", "text", "at", "at_numeric", "value", "value_numeric",
                "gradient_norm", "classification", "curvature", "stable_learning_rate", "trace"],
}
# Top-level keys of the other answers of diff; tests/test_diff_several.py and test_implicit.py
# check them against the real output.
DIFF_FORM_KEYS = {
    "--gradient": ["schema", "command", "expression", "variables", "gradient", "norm", "norm_numeric", "tangent", "at",
                   "at_numeric", "expect"],
    "--hessian": ["schema", "command", "expression", "variables", "hessian", "symmetric", "gradient", "entries", "values",
                  "values_numeric", "eigenvalues", "eigenvalues_numeric", "definiteness", "signs_exact", "at",
                  "at_numeric", "expect"],
    "--jacobian": ["schema", "command", "functions", "variables", "jacobian", "values", "values_numeric", "entries", "at",
                   "at_numeric", "expect"],
    "an equation": ["schema", "command", "equation", "dependent", "independent", "order", "derivative", "latex", "first", "steps",
                    "checked", "at", "at_numeric", "value", "value_numeric", "tangent", "expect", "notes"],
}

EXAMPLES = [
    ("The derivative of x\\(S2 and its slope at 3 (the seed's first example):",
     'deriv diff "x**2" \\-\\-at 3'),
    ("The MSE loss gradient with respect to the prediction:",
     'deriv diff "(y \\- y_hat)**2" \\-\\-wrt y_hat'),
    ("Values of f, f\\(aq and f\\(aq\\(aq at two points, exact:",
     'deriv eval "x**3" \\-\\-at 1/3 \\-\\-at 2 \\-\\-order 2'),
    ("Critical points, then the first one classified:",
     'deriv critical "x**3 \\- 3*x"\n'
     'deriv classify "x**3 \\- 3*x" \\-\\-at "$(deriv critical "x**3 \\- 3*x" | head \\-1)"'),
    ("A saddle and the Hessian test that decided it:",
     'deriv classify "x**2 \\- y**2"'),
    ("Gradient descent on the MSE loss, as in the seed:",
     'deriv descend "(5 \\- y_hat)**2" \\-\\-wrt y_hat \\-\\-from 3 \\-\\-lr 0.1'),
    ("The seed's MSE loss with two weights: its gradient, one component a line:",
     'deriv diff "(y \\- (w*x + b))**2" \\-\\-wrt w \\-\\-wrt b \\-\\-gradient'),
    ("The Hessian at a point, its eigenvalues and what they say (there: positive definite):",
     'deriv diff "x**2 + x*y + y**2" \\-\\-hessian \\-\\-at x=0,y=0'),
    ("The Jacobian of a vector of functions, one row a function:",
     'deriv diff "[x*y, x + y]" \\-\\-jacobian'),
    ("The tangent line at x = 3 (prints 6*x \\- 9), and the tangent plane of a surface:",
     'deriv diff "x**2" \\-\\-at 3 \\-\\-tangent\n'
     'deriv diff "x**2*y" \\-\\-gradient \\-\\-at x=1,y=2 \\-\\-tangent'),
    ("dy/dx of the unit circle by implicit differentiation, at a point on it, and d\\(S2y/dx\\(S2:",
     'deriv diff "x**2 + y**2 = 1" \\-\\-implicit y \\-\\-at x=0,y=1\n'
     'deriv diff "x**2 + y**2 = 1" \\-\\-order 2'),
    ("CI checks of a gradient, an implicit derivative and a batch of equations, and LaTeX of the working:",
     'deriv diff "x*y" \\-\\-gradient \\-\\-expect "[y, x]"\n'
     'deriv diff "sin(y) = x" \\-\\-expect "1/cos(y)"\n'
     "printf 'x**2 + y**2 = 1 => \\-x/y\\\\n' | deriv diff \\-\n"
     'deriv diff "x**2 + y**2 = 1" \\-\\-latex \\-\\-steps'),
    ("A CI check: exit 1 unless the derivative is right:",
     'deriv diff "sin(x)**2" \\-\\-expect "sin(2*x)"'),
    ("A file of formulas on stdin, one per line, each with its expected derivative after =>:",
     "printf 'x**2 => 2*x\\\\nsin(x) => cos(x)\\\\n' | deriv diff \\-"),
    ("Each formula beside its derivative (comments and failed lines give empty ones):",
     "paste \\-d '|' formulas.txt <(deriv diff \\- < formulas.txt)"),
    ("A long file of formulas on two workers, the answers in the file's order:",
     "deriv diff \\- \\-\\-jobs 2 < formulas.txt > answers.txt"),
    ("A CI check that prints nothing, only its exit status:",
     'deriv diff "sin(x)**2" \\-\\-expect "sin(2*x)" \\-q'),
    ("A formula file checked in CI, with a JUnit report and GitHub annotations:",
     "deriv check examples/checks.txt \\-\\-junit\\-xml report.xml \\-\\-format github"),
    ("Exit 1 unless these are the critical points, and unless the origin is a saddle:",
     'deriv critical "x**3 \\- 3*x" \\-\\-expect "x=\\-1; x=1"\n'
     'deriv classify "x**2 \\- y**2" \\-\\-at x=0,y=0 \\-\\-expect saddle'),
]


def escape(text: str) -> str:
    """Text for roff: backslashes and leading dots or quotes made harmless, dashes kept as dashes."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(character if ord(character) < 128 else f"\\[u{ord(character):04X}]" for character in text)
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def option_lines(parameter: click.Option) -> list[str]:
    names = ", ".join(parameter.opts + parameter.secondary_opts) if not parameter.secondary_opts else (
        " / ".join(parameter.opts + parameter.secondary_opts)
    )
    metavar = ""
    if not parameter.is_flag:
        if isinstance(parameter.type, click.Choice):
            metavar = " " + "|".join(parameter.type.choices)
        else:
            metavar = " " + (parameter.metavar or parameter.type.name.upper())
    help_text = " ".join((parameter.help or "").split())
    default = parameter.default
    if parameter.show_default and default not in (None, False, ()) and not callable(default):
        help_text += f" Default: {default}."
    if parameter.required:
        help_text += " Required."
    text = escape(help_text)
    if parameter.envvar:  # \% keeps roff from hyphenating the name
        text += f" Environment: \\%{escape(parameter.envvar)}."
    return [".TP", f"\\fB{escape(names)}\\fR{escape(metavar)}", text]


def help_paragraphs(text: str) -> list[str]:
    """click help text as roff: paragraphs filled, ``\\b`` blocks kept line by line."""
    lines = []
    for paragraph in text.strip().split("\n\n"):
        if paragraph.lstrip().startswith("\b"):
            body = [line.strip() for line in paragraph.lstrip()[1:].strip("\n").split("\n")]
            lines += [".PP", ".RS", ".nf"] + [escape(line) for line in body] + [".fi", ".RE"]
        else:
            lines += [".PP", escape(" ".join(paragraph.split()))]
    return lines


def command_section(name: str, command: click.Command) -> list[str]:
    arguments = " ".join(f"\\fI{parameter.human_readable_name}\\fR"
                         for parameter in command.params if isinstance(parameter, click.Argument))
    lines = [".SS " + f"deriv {name}", f".B deriv {name}", arguments, "[\\fIOPTIONS\\fR]"]
    lines += help_paragraphs(command.help or "")
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            lines += option_lines(parameter)
    lines += [".TP", "\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Show the command's help and exit."]
    return lines


SYNTAX = r"""
.SH EXPRESSION SYNTAX
Expressions are read by a parser of
.BR deriv 's
own; no text is ever run as code.
.TP
Arithmetic
\fB+ \- * /\fR and powers \fB**\fR or \fB^\fR: \fBx**2\fR, \fBx^2\fR, \fBe^x\fR.
Implied products: \fB2x\fR, \fB2 sin(x)\fR, \fB(x+1)(x\-1)\fR, \fBx y\fR.
.TP
Notation from the page
\fBx\(S2\fR and other superscripts, \fB\(*p\fR, \fB\(md\fR or \fB\(mu\fR for times,
\fB\(sr x\fR for the square root, \fB\(mi\fR for minus, and a leading \fBf(x) =\fR or \fBy =\fR.
An expression may begin with a minus sign: \fBderiv diff "\-x**2"\fR.
.TP
Names
Variables are letters and digits with underscores (\fBy_hat\fR, \fBtheta\fR, \fBx1\fR);
\fBpi\fR, \fBe\fR (Euler's number) and \fBoo\fR (infinity) are constants.
Variables are real.
.TP
Functions
sin cos tan sec csc cot, asin acos atan acot asec acsc (also arcsin \&...),
sinh cosh tanh coth sech csch, asinh acosh atanh acoth asech acsch,
exp, ln and log (\fBlog(x, b)\fR to base b; log10, log2), sqrt, cbrt, root(x, n), abs, sign,
min, max, erf erfc erfi gamma loggamma digamma Ei Si Ci li, and
\fBpiecewise((\-x, x < 0), (x, otherwise))\fR.
\fBdiff\fR also takes undefined functions \fBf(x)\fR, \fBg(x)\fR, \fBh(x)\fR.
.TP
Limits
At most 4000 characters, 64 levels of nesting, 1500 parts, and exact numbers of about
13000 bits; a decimal such as \fB0.1\fR is the exact fraction 1/10.
.TP
Points
\fB\-\-at 3\fR, \fB\-\-at x=3\fR, \fB\-\-at "x=1,y=2"\fR; values are constant expressions
(\fBpi/4\fR, \fB1/3\fR). What \fBcritical\fR prints for a point is valid \fB\-\-at\fR input.
.TP
Variable
\fB\-\-wrt VAR\fR chooses it; without it, \fBx\fR if present, else the only variable
(several variables are a usage error that lists them).
.TP
Equations
\fBdiff\fR differentiates an equation \fBF = G\fR (or \fBF == G\fR) implicitly:
\fB\-\-implicit VAR\fR names the dependent variable (default \fBy\fR when the equation has
\fBx\fR and \fBy\fR), \fB\-\-wrt\fR the independent one (default \fBx\fR); other letters
are constants. A leading \fBy =\fR whose name is not used on the right is a header, not an equation.
.TP
Vectors
\fB[f1, f2]\fR is a vector of functions (\fBdiff\fR gives its Jacobian); \fB\-\-expect\fR
takes a vector \fB[a, b]\fR for a gradient and a matrix \fB[[a, b], [c, d]]\fR for a Hessian
or a Jacobian.
.TP
Standard input
An \fIEXPRESSION\fR of \fB\-\fR reads one formula a line; a line \fBEXPR => EXPECTED\fR
carries its own \fB\-\-expect\fR. A bad line reports its error on stderr with its line number
(\fBderiv: error: line 3: \fR...) and the others still run; the exit status is the worst seen.
Piped (and with \fB\-\-latex\fR), every input line has its output line: a blank line, a line
starting with \fB#\fR and a failed line give an empty one, so that output line \fIk\fR answers
input line \fIk\fR when each answer is one line (\fBpaste\fR and \fBnl\fR line up).
With \fB\-\-json\fR, each formula's record carries its \fBline\fR number.
.TP
Options and formulas
An expression may begin with a minus sign (\fB\-x\fR, \fB\-x**2\fR) where the expression is
expected. Any other dash-led word that names no option is a usage error naming it as typed, and
so is a near miss of an option (\fB\-at\fR, \fB\-jsn\fR), with a suggestion;
a formula that looks like one goes after \fB\-\-\fR: \fBderiv diff \-\- \-at\fR.
"""

OUTPUT = r"""
.SH OUTPUT
.TP
On a terminal
Rich output: step trees, tables, plots and colour, as wide as the terminal (else COLUMNS).
\fB\-\-pretty\fR gives this layout in a pipe too.
.TP
Piped
Just the answer, one item a line, no decoration, in sympy's string syntax
(\fB2*x\fR, \fB6\fR, \fBx=\-1\fR) so that other programs can read it back.
\fB\-\-plain\fR gives this form on a terminal too; \fB\-\-steps\fR adds the working as a
plain-text tree.
.TP
Colour
Colour never changes the layout. \fB\-\-color auto\fR (the default) colours the terminal
layout on a terminal or when FORCE_COLOR is set, never when NO_COLOR is set, and leaves plain
lines plain, so \fBx=$(FORCE_COLOR=1 deriv diff "x**2" \-\-at 3)\fR captures \fB6\fR.
\fB\-\-color always\fR colours the terminal layout and wraps each plain line in escape codes
(without them the line is unchanged); \fB\-\-color never\fR writes no colour (on a terminal,
bold and dim remain, as with NO_COLOR).
JSON and LaTeX are never coloured.
.TP
\fB\-q\fR, \fB\-\-quiet\fR
Nothing on stdout: the exit status is the answer; errors are still one line each on stderr.
.TP
\fB\-\-json\fR
One JSON object of schema \fBderiv/1\fR; with \fB\-\fR input, JSON Lines, each with
\fBline\fR and \fBinput\fR. Every record begins with \fB"schema": "deriv/1"\fR and
\fB"command"\fR. A point is an object of exact strings in sympy's syntax under \fBat\fR
(\fBstart\fR for a descent's start) with a numeric twin of floats under \fBat_numeric\fR;
a value is an exact string \fBvalue\fR with the number \fBvalue_numeric\fR; a number that
is not a finite real is null. \fBvariables\fR lists the variables in every command; \fBtext\fR
is a point in \fB\-\-at\fR syntax. A failure, a usage error included, is
\fB{"schema", "command", "error": {"status", "kind", "message", "hint"}}\fR, on stdout as well as
stderr; problems beside an answer are listed under \fBproblems\fR. Output is ASCII (\fB\\u\fR
escapes) when the stream cannot encode UTF-8. The JSON Schema is
\fIschema/deriv\-1.schema.json\fR in the source. The keys of each command:
"""

OUTPUT_AFTER = r"""
.TP
\fB\-\-latex\fR
LaTeX of the answer (with \fB\-\-steps\fR, the derivation as an aligned environment).
.PP
Errors go to stderr as one line \fBderiv: error: \fR... with a hint where one helps;
never a traceback (except with \fB\-\-debug\fR). A closed pipe ends quietly (exit 0).
"""

ENVIRONMENT = r"""
.SH ENVIRONMENT
.TP
.B NO_COLOR
When set and not empty, no colour (unless \fB\-\-color always\fR).
.TP
.B FORCE_COLOR
When set and not empty, whatever its value (0 too), colour in the terminal layout even when
stdout is not a terminal (with \fB\-\-pretty\fR). It changes neither the layout nor plain lines.
.TP
.B COLUMNS
The width of rich output when it cannot be read from the terminal.
.TP
.B DERIV_\fICOMMAND\fB_\fIOPTION\fR
Any option of a command, named after its long form with dashes as underscores:
\fB\%DERIV_DIFF_TIMEOUT=5\fR, \fB\%DERIV_EVAL_NUMERIC=1\fR, \fB\%DERIV_DESCEND_MAX_ITER=100\fR,
\fB\%DERIV_CRITICAL_COLOR=never\fR. A flag takes 1, true, yes or on (0, false, no, off to unset it);
a repeatable option takes several values separated by spaces. An option on the command line wins.
Each option above names its variable.
.TP
.B _DERIV_COMPLETE
Shell completion: \fBeval "$(_DERIV_COMPLETE=bash_source deriv)"\fR in \fI~/.bashrc\fR;
\fBzsh_source\fR in \fI~/.zshrc\fR; for fish,
\fB_DERIV_COMPLETE=fish_source deriv > ~/.config/fish/completions/deriv.fish\fR.
"""

SEE_ALSO = r"""
.SH SEE ALSO
.BR python3 (1),
.BR bc (1).
The sympy documentation for the functions named above.
"""


def build() -> str:
    commands = {name: cli.commands[name] for name in COMMAND_ORDER}
    lines = [
        f'.TH DERIV 1 "{DATE}" "deriv {__version__}" "User Commands"',
        ".SH NAME",
        "deriv \\- derivatives that show their working",
        ".SH SYNOPSIS",
    ]
    for name in JSON_COMMANDS:
        lines += [f".B deriv {name}", "\\fIEXPRESSION\\fR [\\fIOPTIONS\\fR]", ".br"]
    lines += [".B deriv check", "\\fIFILE\\fR... [\\fIOPTIONS\\fR]", ".br"]
    lines += [".B deriv", "[\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR]"]
    lines += [
        ".SH DESCRIPTION",
        ".B deriv",
        "differentiates a formula step by step, naming the rule used at every node (power, sum,",
        "product, quotient, chain, ...), evaluates functions and their derivatives at points,",
        "finds and classifies critical points, and runs gradient descent you can watch.",
        "It answers a person at a terminal with trees and tables, a script in a pipe with one",
        "plain answer a line (or \\fB\\-\\-json\\fR), and a CI job by its exit status",
        "(\\fB\\-\\-expect\\fR, and \\fBderiv check\\fR for whole files of formulas).",
        ".PP",
        "Every computation runs in a separate process under a time limit (\\fB\\-\\-timeout\\fR)",
        "and a memory limit (\\fB\\-\\-memory\\fR).",
        "With \\fB\\-\\fR as the expression, the lines of stdin are spread over",
        "\\fB\\-\\-jobs\\fR such processes (by default one for each core deriv may use), each under",
        "its own limits, and answered in input order, each as soon as the lines before it are;",
        "a line that runs out of time ends only its own worker.",
        ".SS Platforms",
        escape(PLATFORM_NOTE),
        ".SH COMMANDS",
    ]
    for name, command in commands.items():
        lines += command_section(name, command)
    lines += SYNTAX.strip("\n").split("\n")
    lines += OUTPUT.strip("\n").split("\n")
    for name in JSON_COMMANDS:
        lines += [".RS", ".TP", f"\\fB{name}\\fR", ", ".join(escape(key) for key in JSON_KEYS[name]), ".RE"]
        if name == "diff":
            for form, keys in DIFF_FORM_KEYS.items():
                lines += [".RS", ".TP", f"\\fBdiff\\fR with {escape(form)}", ", ".join(escape(key) for key in keys),
                          ".RE"]
    lines += OUTPUT_AFTER.strip("\n").split("\n")
    lines += [".SH EXIT STATUS"]
    for status in ExitStatus:
        lines += [".TP", f"\\fB{int(status)}\\fR", escape(EXIT_MEANINGS[status])]
    for status, meaning in SIGNAL_STATUSES.items():
        lines += [".TP", f"\\fB{status}\\fR", escape(meaning)]
    lines += ENVIRONMENT.strip("\n").split("\n")
    lines += [".SH EXAMPLES"]
    for caption, command in EXAMPLES:
        lines += [".PP", caption, ".PP", ".RS", ".nf"] + command.split("\n") + [".fi", ".RE"]
    lines += SEE_ALSO.strip("\n").split("\n")
    return "\n".join(lines) + "\n"


def main() -> None:
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(build(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
