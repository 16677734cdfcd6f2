"""Text to sympy, safely: formulas (with their domain as written), equations, points, families of
points and the choice of variable.

User text never reaches ``sympify``, ``parse_expr`` or ``eval``. The text is tokenized by a small
scanner that knows the accepted notation (``x^2``, ``2x``, ``x²``, ``√x``, ``π``, ``·`` …), split at
its ``=`` (a header ``f(x) =`` or an equation), rewritten into Python syntax, parsed by ``ast``
(parse only, nothing runs) and built by parsing.building from the names of parsing.vocabulary.
Everything else is a :class:`ParseError` that names what was not allowed.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

import sympy

from .building import Builder, check_size
from .conditions import domain_symbols, domain_violation
from derivcli.errors import ParseError, UsageError
from .vocabulary import (
    CONSTANTS, FUNCTIONS, GLUED_ARGUMENT, GLUED_FUNCTIONS, GREEK_NAMES, KNOWN_FUNCTIONS, MAX_DEPTH,
    MAX_LENGTH, MAX_NAME_LENGTH, MAX_NODES, NAME, OTHERWISE_NAMES, PIECEWISE_NAMES,
    UNDEFINED_FUNCTION_NAMES,
)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣʸᶻ", "0123456789-+()nxyz")
_REPLACEMENTS = {
    "−": "-", "–": "-", "·": "*", "⋅": "*", "∙": "*", "×": "*", "÷": "/",
    "π": " pi ", "∞": " oo ", "√": " √ ", "∛": " ∛ ",
}
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+(?![A-Za-z_]))?)
  | (?P<name>[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*)
  | (?P<superscript>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣʸᶻ]+)
  | (?P<operator>\*\*|<=|>=|==|[-+*/^(),<>=])
  | (?P<root>[√∛])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _quote(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return repr(shown)


def _syntax_reason(error: Exception) -> str:
    if isinstance(error, SyntaxError) and error.msg:
        message = error.msg
        if message.startswith("invalid syntax"):
            return "invalid syntax"
        return message
    return "too complex"


def _scan(text: str) -> list[_Token]:
    """Check the raw text and split it into tokens of the accepted notation."""
    if not isinstance(text, str) or not text.strip():
        raise ParseError("empty expression", hint="give a formula such as 'x**2'")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})")
    if any(ord(character) < 32 and character not in "\t" for character in text):
        raise ParseError("expression contains control characters")
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return _tokenize(text)


def _python_source(tokens: list[_Token], allow_undefined_functions: bool) -> str:
    """Rewrite one side's tokens into Python expression syntax."""
    if not tokens:
        raise ParseError("empty expression", hint="give a formula such as 'x**2'")
    return _join(_expand_roots(tokens), allow_undefined_functions)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    depth = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            character = text[position]
            raise ParseError(
                f"unexpected character {character!r} at position {position + 1}",
                hint="write |x| as abs(x)" if character == "|"
                else "expressions use numbers, names, + - * / ^ ** and function calls",
            )
        position = match.end()
        kind = match.lastgroup
        value = match.group()
        if kind == "space":
            continue
        if kind == "name":
            _check_name(value)
        if kind == "superscript":
            value = value.translate(_SUPERSCRIPTS)
        if kind == "operator" and value == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"expression nests too deeply (more than {MAX_DEPTH} levels)")
        elif kind == "operator" and value == ")":
            depth -= 1
        tokens.append(_Token(kind, value))
    return tokens


@dataclass(frozen=True)
class _Sides:
    """The formula's tokens, split at its '=': a header ``f(x) =`` is dropped (its variables kept);
    any other '=' leaves two sides of an equation."""

    left: list
    right: list | None = None
    header_variables: tuple = ()


def _split_sides(tokens: list[_Token]) -> _Sides:
    """Only ``NAME =`` or ``NAME(VARS) =`` whose NAME is not used on the right is a header;
    every other single ``=`` or ``==`` makes an equation; two of them cannot be read."""
    marks = [index for index, token in enumerate(tokens) if token.text in ("=", "==")]
    if not marks:
        return _Sides(tokens)
    if len(marks) > 1:
        raise ParseError("the formula has more than one '=' sign",
                         hint="give one formula, an optional header such as f(x) = …, or one equation")
    left, right = tokens[:marks[0]], tokens[marks[0] + 1:]
    if not left:
        raise ParseError("nothing stands before '='", hint="write the formula alone, such as x**2")
    header = _header_variables(left, right) if tokens[marks[0]].text == "=" else None
    if header is not None:
        return _Sides(right, header_variables=header)
    if not right:
        raise ParseError("nothing stands after '='", hint="write the formula alone, such as x**2")
    return _Sides(left, right)


def _header_variables(left: list[_Token], right: list[_Token]) -> tuple | None:
    """The variables of a header ``NAME =`` (none) or ``NAME(VARS) =``; None if ``left`` is no header."""
    name = left[0]
    if name.kind != "name" or not _is_free_name(name.text):
        return None
    if any(token.kind == "name" and token.text == name.text for token in right):
        return None
    if len(left) == 1:
        return ()
    inner = left[2:-1]
    if len(left) < 4 or left[1].text != "(" or left[-1].text != ")" or len(inner) % 2 == 0:
        return None
    names, commas = inner[::2], inner[1::2]
    if all(token.kind == "name" and _is_free_name(token.text) for token in names) \
            and all(token.text == "," for token in commas):
        return tuple(token.text for token in names)
    return None


def _is_free_name(name: str) -> bool:
    """Whether ``name`` can name a variable or a function of a header (not a constant or a known function)."""
    return not (name in CONSTANTS or name in FUNCTIONS or name in PIECEWISE_NAMES or name in OTHERWISE_NAMES)


def _check_name(name: str) -> None:
    if name.startswith("_"):
        raise ParseError(f"name {name!r} is not allowed (names may not start with '_')")
    if keyword.iskeyword(name) and name != "True":
        raise ParseError(f"{name!r} is not allowed in an expression")
    if len(name) > MAX_NAME_LENGTH:
        raise ParseError(f"name {name[:20]!r}... is too long (the limit is {MAX_NAME_LENGTH} characters)")


def _expand_roots(tokens: list[_Token]) -> list[_Token]:
    """Turn ``√x``, ``√2x`` and ``√(x+1)`` into calls of sqrt (and ``∛`` into cbrt)."""
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "root":
            result.append(token)
            index += 1
            continue
        function = "sqrt" if token.text == "√" else "cbrt"
        result.append(_Token("name", function))
        start = index + 1
        if start >= len(tokens):
            raise ParseError(f"{token.text} needs something to take the root of")
        end = _atom_end(tokens, start)
        inner = _expand_roots(tokens[start:end])
        wrap = not (len(inner) >= 2 and inner[0].text == "(" and _atom_end(inner, 0) == len(inner))
        if wrap:
            result.append(_Token("operator", "("))
        result.extend(inner)
        if wrap:
            result.append(_Token("operator", ")"))
        index = end
    return result


def _atom_end(tokens: list[_Token], start: int) -> int:
    """Index just past the atom that starts at ``start``: a number, a name, a call or a group."""
    token = tokens[start]
    index = start + 1
    if token.kind == "root":
        return _atom_end(tokens, index) if index < len(tokens) else index
    if token.kind == "name" and index < len(tokens) and tokens[index].text == "(":
        index = _group_end(tokens, index)
    elif token.text == "(":
        index = _group_end(tokens, start)
    elif token.kind not in ("name", "number"):
        raise ParseError(f"unexpected {token.text!r} after a root sign")
    while index < len(tokens) and tokens[index].kind == "superscript":
        index += 1
    return index


def _group_end(tokens: list[_Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].text == "(":
            depth += 1
        elif tokens[index].text == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    raise ParseError("unbalanced parentheses: a '(' is never closed")


def _is_callable_name(name: str, allow_undefined_functions: bool) -> bool:
    if name in FUNCTIONS or name in PIECEWISE_NAMES:
        return True
    return allow_undefined_functions and name in UNDEFINED_FUNCTION_NAMES


def _join(tokens: list[_Token], allow_undefined_functions: bool) -> str:
    """Join tokens into Python source, adding the multiplication signs that were implied."""
    parts: list[str] = []
    previous: _Token | None = None
    for token in tokens:
        if previous is not None and _implies_product(previous, token, allow_undefined_functions):
            parts.append("*")
        if token.kind == "superscript":
            parts.append(f"**({token.text})")
        elif token.text == "^":
            parts.append("**")
        else:
            parts.append(token.text)
        previous = token
    return " ".join(parts)


def _implies_product(left: _Token, right: _Token, allow_undefined_functions: bool) -> bool:
    ends_value = left.kind in ("number", "name", "superscript") or left.text == ")"
    starts_value = right.kind in ("number", "name") or right.text == "("
    if not (ends_value and starts_value):
        return False
    if left.kind == "number" and right.kind == "number":
        return False
    if left.kind == "name" and right.text == "(":
        return not _is_call(left.text, allow_undefined_functions)
    return True


def _is_call(name: str, allow_undefined_functions: bool) -> bool:
    """Whether ``name(`` calls a function: known names and f, g, h do; ``x(x+1)`` is a product;
    any other name before a parenthesis is an unknown function, named in the error."""
    if _is_callable_name(name, allow_undefined_functions):
        return True
    if name in UNDEFINED_FUNCTION_NAMES:
        raise ParseError(
            f"{name}(…) is an undefined function, which only 'deriv diff' accepts",
            hint="write the formula itself, such as x**2",
        )
    if len(name) == 1 or name in CONSTANTS:
        return False
    raise ParseError(
        f"unknown function {name!r}",
        hint=f"known functions: {KNOWN_FUNCTIONS}; for a product write {name}*(…)",
    )


@dataclass(frozen=True)
class Formula:
    """A parsed formula with what sympy's simplification would hide.

    ``expression`` is the sympy expression (for an equation: left − right). ``domain`` holds the
    conditions of the formula as written (see parsing.conditions): ``x/x`` is 1 but keeps x ≠ 0.
    ``symbols`` names every variable read, in reading order, so a renderer can say that
    ``theta`` or ``y_hat`` was read as one name. ``equation`` is (left, right) when the text
    is an equation such as ``sin(y) = x`` rather than a formula with an optional header.
    """

    expression: sympy.Expr
    domain: tuple = ()
    symbols: tuple = ()
    equation: tuple | None = None

    def names_read_whole(self) -> tuple:
        """The names of more than one character read as one variable (``theta``, ``xy``)."""
        return tuple(name for name in self.symbols if len(name) > 1)

    def violation(self, point: dict) -> str | None:
        """Why ``point`` is outside the domain of the formula as written, or None."""
        return domain_violation(self.domain, point)

    def domain_symbols(self) -> set:
        """The variables the domain conditions mention (``x`` of ``x/x``, though the expression is 1)."""
        return domain_symbols(self.domain)


def parse_formula(text: str, allow_undefined_functions: bool = False,
                  allow_equation: bool = False) -> Formula:
    """Parse user text into a :class:`Formula`, or raise ParseError saying what is wrong.

    ``allow_undefined_functions`` lets ``f(x)``, ``g(x)``, ``h(x)`` stand for unknown functions
    (``diff`` uses it). An equation is returned only with ``allow_equation``; otherwise it is a
    usage error that says it was read as one, never a formula with a side dropped.
    """
    sides = _split_sides(_scan(text))
    builder = Builder(allow_undefined_functions)
    budget = MAX_NODES
    expressions = []
    for tokens in (sides.left, sides.right):
        if tokens is None:
            continue
        source = _python_source(tokens, allow_undefined_functions)
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
            raise ParseError(f"cannot parse {_quote(text)}: {_syntax_reason(error)}") from None
        budget = check_size(tree, budget)
        expressions.append(builder.side(tree, source))
    _check_names(builder.symbols, sides.header_variables)
    domain, symbols = tuple(builder.conditions), tuple(builder.symbols)
    if sides.right is None:
        return Formula(expressions[0], domain, symbols)
    if not allow_equation:
        raise UsageError(
            f"{_quote(text)} was read as an equation (its left side is not a header such as f(x) =): "
            "this command reads formulas, not equations",
            hint="to differentiate an equation implicitly use deriv diff EQUATION --implicit VAR "
                 "(VAR the dependent variable); a formula stands alone, or after a header such as f(x) =",
        )
    left, right = expressions
    return Formula(left - right, domain, symbols, equation=(left, right))


def parse_expression(text: str, allow_undefined_functions: bool = False) -> sympy.Expr:
    """The sympy expression of a formula (see :func:`parse_formula`; an equation is a usage error)."""
    return parse_formula(text, allow_undefined_functions).expression


# --- names that were meant as something else ---------------------------------------------------



def _check_names(symbols: dict, header_variables: tuple) -> None:
    """Refuse the names that silently misread a formula: ``sinx`` (meant sin(x)) and ``xy`` beside
    x and y (meant x*y). A lone ``theta``, ``y_hat`` or ``xy`` stays one variable."""
    letters = {name for name in symbols if len(name) == 1} | set(header_variables)
    for name in symbols:
        if "_" in name or len(name) < 2:
            continue
        glued = _glued_function(name, set(symbols) | set(header_variables))
        if glued is not None:
            function, argument = glued
            raise ParseError(f"{name!r} reads as the function {function} glued to {argument}",
                             hint=f"write {function}({argument}) for the function")
        if name.isascii() and name.isalpha() and all(letter in letters for letter in name):
            product = "*".join(name)
            raise ParseError(f"{name!r} could be one variable or the product {product} of variables used here",
                             hint=f"write {product} for the product, or rename the variable")


def _glued_function(name: str, names: set) -> tuple | None:
    """(function, argument) when ``name`` is an elementary function followed by its argument:
    a letter (``sinx``), digits and a letter (``sin2x``), a Greek name, pi, or a name used elsewhere."""
    for function in GLUED_FUNCTIONS:
        if not name.startswith(function) or len(name) == len(function):
            continue
        rest = name[len(function):]
        match = GLUED_ARGUMENT.fullmatch(rest)
        if match is None:
            continue
        word = match.group("word")
        if word is None or word in GREEK_NAMES or word in CONSTANTS or word in names:
            return function, rest
    return None


# --- families of points -------------------------------------------------------------------------

_FAMILY = re.compile(r"^(?P<point>.*?)\s*\(\s*(?P<parameter>[A-Za-z][\w]*)\s+(?P<kind>integer|real)\s*\)\s*$",
                     re.DOTALL)


@dataclass(frozen=True)
class PointFamily:
    """Infinitely many points, as critical prints them: ``x=pi/2 + pi*n (n integer)``.

    ``point`` maps each variable to its coordinate, an expression in ``parameter``; ``kind`` is
    "integer" (n runs over the integers) or "real" (a line or curve, ``x=0,y=y (y real)``).
    """

    point: dict
    parameter: sympy.Symbol
    kind: str

    def member(self, value) -> dict:
        """The point of the family at parameter ``value``."""
        return {variable: coordinate.xreplace({self.parameter: value})
                for variable, coordinate in self.point.items()}


def is_family(text: str) -> bool:
    """Whether ``text`` names a family of points (it ends in ``(n integer)`` or ``(y real)``)."""
    return isinstance(text, str) and _FAMILY.match(text) is not None


def parse_family(text: str, variables: list[sympy.Symbol]) -> PointFamily:
    """Read what critical prints for a family, ``x=pi/2 + pi*n (n integer)`` or
    ``x=0,y=y (y real)``, as a :class:`PointFamily` over ``variables``."""
    match = _FAMILY.match(text) if isinstance(text, str) and len(text) <= MAX_LENGTH else None
    if match is None:
        raise UsageError(f"{_quote(str(text))} is not a family of points",
                         hint="a family reads like x=pi/2 + pi*n (n integer)")
    name, kind = match.group("parameter"), match.group("kind")
    by_name = {str(variable): variable for variable in variables}
    if kind == "real":
        if name not in by_name:
            raise UsageError(f"the parameter {name!r} of a real family must be one of the variables")
        parameter = by_name[name]
    else:
        if name in by_name:
            raise UsageError(f"the integer parameter {name!r} is also a variable here")
        parameter = sympy.Symbol(name, integer=True)
    point = _read_point(match.group("point"), variables, _FamilyValues(name, parameter))
    if not any(coordinate.has(parameter) for coordinate in point.values()):
        raise UsageError(f"{_quote(text)} does not depend on its parameter {name}",
                         hint=f"give the point without '({name} {kind})'")
    return PointFamily(point, parameter, kind)


class _FamilyValues:
    """Reads a family's coordinates: constants and the one parameter."""

    def __init__(self, name: str, parameter: sympy.Symbol):
        self.name, self.parameter = name, parameter

    def __call__(self, text: str) -> sympy.Expr:
        value = parse_expression(text)
        others = sorted(str(symbol) for symbol in value.free_symbols if str(symbol) != self.name)
        if others:
            raise ParseError(f"{_quote(text)} may depend only on the parameter {self.name} (it contains {', '.join(others)})")
        value = value.xreplace({symbol: self.parameter for symbol in value.free_symbols})
        if value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
            raise ParseError(f"{_quote(text)} is not finite")
        return value


_STRETCH = re.compile(r"^\s*(?:(?P<low>[^<>=]+?)\s*<=\s*)?(?P<name>[A-Za-z_][\w]*)\s*(?:<=\s*(?P<high>[^<>=]+?))?\s*$")


def is_stretch(text: str) -> bool:
    """Whether ``text`` names a flat stretch of points as critical prints one (``-1<=x<=1``, ``x<=0``)."""
    return isinstance(text, str) and "<=" in text and len(text) <= MAX_LENGTH and _STRETCH.match(text) is not None


def parse_stretch(text: str, variables: list[sympy.Symbol]) -> tuple:
    """(variable, low, high) of ``a<=x<=b`` (either bound may be left out: it is then ∓∞)."""
    match = _STRETCH.match(text) if is_stretch(text) else None
    by_name = {str(variable): variable for variable in variables}
    if match is None or match.group("name") not in by_name:
        raise UsageError(f"{_quote(str(text))} is not a stretch of points of {', '.join(by_name) or 'f'}",
                         hint="a stretch reads like -1<=x<=1")
    low = parse_value(match.group("low")) if match.group("low") else -sympy.oo
    high = parse_value(match.group("high")) if match.group("high") else sympy.oo
    return by_name[match.group("name")], low, high


def parse_value(text: str) -> sympy.Expr:
    """A constant such as ``3``, ``-1/3`` or ``pi/4``: real, finite and free of variables."""
    value = parse_expression(text)
    if value.free_symbols:
        names = ", ".join(sorted(str(symbol) for symbol in value.free_symbols))
        raise ParseError(f"{_quote(text)} is not a constant (it contains {names})")
    if value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan) or value.is_extended_real is False:
        raise ParseError(f"{_quote(text)} is not a finite real number")
    return value


def parse_point(text: str, variables: list[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr]:
    """Read ``3``, ``x=3`` or ``x=1,y=2`` as values for ``variables``, all of them and no others.

    A bare value (or bare values in order) is allowed when it is unambiguous. A family
    (``x=pi*n (n integer)``) is a usage error that names one of its points; see parse_family.
    """
    if not isinstance(text, str) or not text.strip():
        raise UsageError("empty point", hint="write a point as 3, x=3 or \"x=1,y=2\"")
    if len(text) > MAX_LENGTH:
        raise UsageError("point is too long")
    text = text.strip()
    family = _FAMILY.match(text)
    if family is not None:
        try:
            found = parse_family(text, variables)
        except UsageError:  # x=pi (n integer) is one point; other faults show when it is read
            found = None
        if found is not None:
            raise UsageError(f"{_quote(text)} names infinitely many points ({found.parameter} {found.kind})",
                             hint=f"give one of them, such as {format_point(found.member(0))}")
        text = family.group("point")
    return _read_point(text, variables, parse_value)


def _read_point(text: str, variables: list, read_value) -> dict:
    """The values of ``x=1,y=2`` (or bare ``1, 2``) for ``variables``, each read by ``read_value``."""
    parts = _split_top_level(text)
    named = [part for part in parts if _is_assignment(part)]
    by_name = {str(variable): variable for variable in variables}
    point: dict[sympy.Symbol, sympy.Expr] = {}
    if named and len(named) != len(parts):
        raise UsageError(f"point {_quote(text)} mixes named and bare values")
    if named:
        for part in parts:
            name, value_text = (piece.strip() for piece in part.split("=", 1))
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise UsageError(f"{name!r} is not a variable here (the variables are: {known})")
            if by_name[name] in point:
                raise UsageError(f"{name!r} is given twice in the point")
            point[by_name[name]] = read_value(value_text)
    else:
        if len(parts) != len(variables):
            names = ", ".join(by_name) or "none"
            raise UsageError(
                f"point {_quote(text)} gives {len(parts)} value(s) for {len(variables)} variable(s) ({names})",
                hint="name them: " + ",".join(f"{name}=…" for name in by_name),
            )
        for variable, part in zip(variables, parts):
            point[variable] = read_value(part)
    missing = [str(variable) for variable in variables if variable not in point]
    if missing:
        raise UsageError(f"the point gives no value for {', '.join(missing)}")
    return point


def _is_assignment(part: str) -> bool:
    return re.match(r"^\s*[A-Za-z\u0370-\u03ff][\w\u0370-\u03ff]*\s*=(?!=)", part) is not None


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses: ``x=log(8, 2),y=1``."""
    parts, depth, current = [], 0, []
    for character in text:
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        if character == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    if any(not part.strip() for part in parts):
        raise UsageError(f"point {_quote(text)} has an empty part")
    return parts


def parse_interval(text: str | None):
    """``a:b`` (constants, ``-oo``/``oo`` allowed) as (a, b) with a < b; None when not given."""
    if text is None:
        return None
    low_text, separator, high_text = text.partition(":")
    if not separator or not low_text.strip() or not high_text.strip():
        raise UsageError(f"the interval {text!r} is not of the form a:b", hint="for example --in 0:2*pi")
    infinite = {"oo": sympy.oo, "+oo": sympy.oo, "-oo": -sympy.oo}
    low, high = (infinite.get(part.strip()) or parse_value(part) for part in (low_text, high_text))
    if not (high - low).is_extended_positive:  # (oo - 0 is not "positive": it is not finite)
        raise UsageError(f"the interval {text!r} is empty", hint="write --in a:b with a < b")
    return low, high


def decimal_places(value) -> int:
    """How many places the decimal has that a rational reads as (-1.036 → 3): the inverse of
    reading a decimal literal exactly. 0 for integers and fractions like 1/3 that no decimal ends."""
    if not getattr(value, "is_Rational", False) or value.is_Integer:
        return 0
    denominator, twos, fives = int(value.q), 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else 0


def format_point(point: dict) -> str:
    """The point in ``--at`` syntax, so one command's output is another's input: ``x=1,y=0``."""
    return ",".join(f"{variable}={sympy.sstr(value)}" for variable, value in point.items())


def symbol_named(name: str) -> sympy.Symbol:
    """The symbol the parser would build for ``name``; a UsageError if it cannot be a variable."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or keyword.iskeyword(name):
        raise UsageError(f"{name!r} is not a valid variable name")
    if name in CONSTANTS or name in FUNCTIONS or name in PIECEWISE_NAMES:
        raise UsageError(f"{name!r} is a constant or function name, not a variable")
    return sympy.Symbol(name, real=True)


def sorted_symbols(symbols) -> list[sympy.Symbol]:
    """Symbols in a stable, natural order (x before y before z; then by name)."""
    return sorted(symbols, key=lambda symbol: (str(symbol) not in "xyz", str(symbol)))


def choose_variables(expression: sympy.Expr, names=(), several: bool = False, written=()) -> list[sympy.Symbol]:
    """The variables to work in: the ``--wrt`` names if given; otherwise ``x`` if present, else the
    only free symbol. With ``several``, all free symbols (for gradients and Hessians). ``written``
    adds the symbols the formula as written mentions beyond the expression (the x of x/x)."""
    if names:
        return [symbol_named(name) for name in names]
    free = sorted_symbols(
        symbol for symbol in expression.free_symbols | set(written) if isinstance(symbol, sympy.Symbol)
    )
    if several:
        return free or [sympy.Symbol("x", real=True)]
    by_name = {str(symbol): symbol for symbol in free}
    if "x" in by_name:
        return [by_name["x"]]
    if len(free) == 1:
        return free
    if not free:
        return [sympy.Symbol("x", real=True)]
    listed = ", ".join(str(symbol) for symbol in free)
    raise UsageError(
        f"the expression has several variables ({listed}); choose one with --wrt",
        hint=f"for example --wrt {free[0]}",
    )
